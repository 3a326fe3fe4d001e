package io.newsflow.views;

import io.newsflow.model.JsonSerde;
import org.apache.kafka.common.serialization.Serde;

/** JSON Serdes of the dashboard's stored values (the project's Jackson mapper). */
public final class ViewSerdes {
    private ViewSerdes() {
    }

    public static Serde<ArticleView> articleView() {
        return new JsonSerde<>(ArticleView.class);
    }

    public static Serde<ArticleSummary> summary() {
        return new JsonSerde<>(ArticleSummary.class);
    }

    public static Serde<DlqTotals> dlqTotals() {
        return new JsonSerde<>(DlqTotals.class);
    }
}
