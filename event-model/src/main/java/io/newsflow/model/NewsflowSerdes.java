package io.newsflow.model;

import org.apache.kafka.common.serialization.Serde;

/** The project's Serdes, defined once. */
public final class NewsflowSerdes {
    private NewsflowSerdes() {
    }

    public static Serde<Article> article() {
        return new JsonSerde<>(Article.class);
    }

    public static Serde<EnrichedArticle> enriched() {
        return new JsonSerde<>(EnrichedArticle.class);
    }
}
