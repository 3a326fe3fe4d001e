package io.newsflow.views;

import java.time.Duration;

/**
 * Names and sizes of the dashboard's state stores. Every store is partitioned like {@code articles-enriched}
 * (by article id) or {@code articles-dlq}: no repartition topic. A query for one article goes to the instance that
 * owns its partition; a query over themes, the latest articles or the totals reads every partition, on every
 * instance, and merges.
 *
 * <h2>Windows and grace</h2>
 * Articles are counted per theme in hourly and daily tumbling windows by <em>article time</em>
 * ({@link ArticleTime}). Like Kafka Streams' windowed aggregations, a window closes when the partition's stream
 * time (the largest article time seen on that partition) passes the window's end plus its grace period; an article
 * for a closed window is <em>late</em>: it is not counted in that window size, but it is still stored, listed,
 * served by id and counted in the totals ({@code lateHourly}, {@code lateDaily}).
 * <ul>
 *   <li>hourly: grace {@value #HOURLY_GRACE_HOURS} h, history kept {@value #HOURLY_RETENTION_DAYS} days</li>
 *   <li>daily: grace {@value #DAILY_GRACE_DAYS} days, history kept {@value #DAILY_RETENTION_DAYS} days</li>
 * </ul>
 * History is kept relative to stream time, as Kafka Streams' window stores do: a window whose start is more than
 * the retention before the partition's stream time is no longer served (e.g. an article of 2020 counted when it was
 * the newest on its partition leaves the daily counts once that partition sees articles of 2026).
 */
public final class ViewStores {
    private ViewStores() {
    }

    /** Latest version of each article by id (KV, article id → {@link ArticleView}). */
    public static final String ARTICLES = "views-articles";
    /** Latest articles per theme (KV, {@link LatestKey} → {@link ArticleSummary}): readers take the newest {@link #LATEST_PER_THEME}; trimmed in batches, so up to 31 more are stored. */
    public static final String LATEST = "views-latest";
    /** Article counts per theme in hourly windows (window store, theme → count). */
    public static final String COUNTS_HOURLY = "views-counts-hourly";
    /** Article counts per theme in daily windows (window store, theme → count). */
    public static final String COUNTS_DAILY = "views-counts-daily";
    /** Paragraph and article totals (KV, name → long), see {@link Totals}. */
    public static final String TOTALS = "views-totals";
    /** Dead-letter totals (KV, {@link #DLQ_KEY} → {@link DlqTotals}), fed by {@code articles-dlq}. */
    public static final String DLQ = "views-dlq";
    public static final String DLQ_KEY = "dlq";

    /** The theme under which an article with no theme is counted and listed. */
    public static final String UNCLASSIFIED = "UNCLASSIFIED";
    /** The pseudo-theme listing every article. */
    public static final String ALL = "*";

    public static final int LATEST_PER_THEME = 50;
    public static final int DLQ_RECENT = 20;

    public static final int HOURLY_GRACE_HOURS = 24;
    public static final int HOURLY_RETENTION_DAYS = 7;
    public static final int DAILY_GRACE_DAYS = 7;
    public static final int DAILY_RETENTION_DAYS = 366;

    /** One window size of the theme counts. */
    public enum Window {
        HOURLY("1h", COUNTS_HOURLY, Duration.ofHours(1), Duration.ofHours(HOURLY_GRACE_HOURS),
                Duration.ofDays(HOURLY_RETENTION_DAYS)),
        DAILY("1d", COUNTS_DAILY, Duration.ofDays(1), Duration.ofDays(DAILY_GRACE_DAYS),
                Duration.ofDays(DAILY_RETENTION_DAYS));

        public final String label;
        public final String store;
        public final Duration size;
        public final Duration grace;
        public final Duration retention;

        Window(String label, String store, Duration size, Duration grace, Duration retention) {
            this.label = label;
            this.store = store;
            this.size = size;
            this.grace = grace;
            this.retention = retention;
        }

        public long start(long time) {
            long ms = size.toMillis();
            return Math.floorDiv(time, ms) * ms;
        }

        /** Whether the window starting at {@code start} still accepts articles at {@code streamTime}. */
        public boolean open(long start, long streamTime) {
            return start + size.toMillis() + grace.toMillis() > streamTime;
        }

        public static Window of(String label) {
            for (Window w : values()) {
                if (w.label.equals(label)) {
                    return w;
                }
            }
            throw new IllegalArgumentException("window must be 1h or 1d, got '" + label + "'");
        }
    }

    /** Keys of the {@link #TOTALS} store. */
    public static final class Totals {
        private Totals() {
        }

        public static final String ARTICLES = "articles";
        public static final String PARAGRAPHS_IN = "paragraphsIn";
        public static final String PARAGRAPHS_KEPT = "paragraphsKept";
        public static final String REMOVED_EXACT = "removedExact";
        public static final String REMOVED_NEAR = "removedNear";
        public static final String LATE_HOURLY = "lateHourly";
        public static final String LATE_DAILY = "lateDaily";
        /**
         * Not a total: the partition's stream time (largest article time seen), so that readers drop windows past
         * the retention the same way whether the store is live or restored from its changelog.
         */
        public static final String STREAM_TIME = "streamTime";
        /** Prefix of the per-theme article counts over all time ({@code theme:CBDC}), whatever the article time. */
        public static final String THEME_PREFIX = "theme:";
        /** Enriched events that replaced an earlier version of the same article id. */
        public static final String REPLACED = "replacedVersions";

        public static final java.util.List<String> ALL = java.util.List.of(ARTICLES, PARAGRAPHS_IN, PARAGRAPHS_KEPT,
                REMOVED_EXACT, REMOVED_NEAR, LATE_HOURLY, LATE_DAILY, REPLACED);
    }

    /**
     * Keys of {@link #LATEST}: {@code theme NUL (Long.MAX_VALUE - arrivedAt, 16 hex digits) NUL id}, so a range
     * over one theme yields its newest articles first.
     */
    public static final class LatestKey {
        private LatestKey() {
        }

        public static String of(String theme, long arrivedAt, String id) {
            return theme + '\u0000' + String.format("%016x", Long.MAX_VALUE - Math.max(arrivedAt, 0)) + '\u0000' + id;
        }

        public static String from(String theme) {
            return theme + '\u0000';
        }

        public static String to(String theme) {
            return theme + '\u0001';
        }
    }
}
