package io.newsflow.model;

/** Topic names shared by the producer, the processor and the sink. */
public final class Topics {
    private Topics() {
    }

    public static final String ARTICLES = "articles";
    public static final String ENRICHED = "articles-enriched";
    public static final String DLQ = "articles-dlq";
}
