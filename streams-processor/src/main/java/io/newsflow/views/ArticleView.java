package io.newsflow.views;

import io.newsflow.model.EnrichedArticle;

/**
 * The stored latest version of one article, with what the views counted for it (so that a newer version of the
 * same id can take its place in the counts).
 *
 * @param articleTime       epoch ms used for the windows
 * @param articleTimeSource {@code publishedAt} or {@code recordTimestamp}
 * @param arrivedAt         epoch ms of the event's {@code processedAt}
 * @param hourlyWindow      start of the hourly window it is counted in, or -1 when it came too late for it
 * @param dailyWindow       start of the daily window it is counted in, or -1 when it came too late for it
 */
public record ArticleView(long articleTime, String articleTimeSource, long arrivedAt, long hourlyWindow,
                          long dailyWindow, EnrichedArticle article) {

    public static final String FROM_PUBLISHED_AT = "publishedAt";
    public static final String FROM_RECORD_TIMESTAMP = "recordTimestamp";

    public long window(ViewStores.Window w) {
        return w == ViewStores.Window.HOURLY ? hourlyWindow : dailyWindow;
    }
}
