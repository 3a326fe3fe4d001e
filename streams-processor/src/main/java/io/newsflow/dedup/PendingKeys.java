package io.newsflow.dedup;

/**
 * Key of a pending article: its id plus the offset it was read at, so two publications of one id never share
 * a slot and each accepted event produces exactly one enriched event.
 */
final class PendingKeys {
    private PendingKeys() {
    }

    static String of(String articleId, long seq) {
        return articleId + '\u0000' + seq;
    }
}
