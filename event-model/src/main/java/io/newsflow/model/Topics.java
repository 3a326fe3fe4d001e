package io.newsflow.model;

/** Topic names shared by the producer, the processor and the sink. */
public final class Topics {
    private Topics() {
    }

    public static final String ARTICLES = "articles";
    public static final String ENRICHED = "articles-enriched";
    public static final String DLQ = "articles-dlq";
    /** Per-theme topics are {@code articles.theme.<theme in lower case>}, e.g. {@code articles.theme.cbdc}. */
    public static final String THEME_TOPIC_PREFIX = "articles.theme.";

    public static String themeTopic(String prefix, String theme) {
        return prefix + theme.toLowerCase(java.util.Locale.ROOT);
    }
}
