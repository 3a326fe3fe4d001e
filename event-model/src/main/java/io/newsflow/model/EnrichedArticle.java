package io.newsflow.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

import java.util.List;

/**
 * The event on {@code articles-enriched}, keyed by article id. Additive changes only within a major
 * {@link #SCHEMA_VERSION}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"schemaVersion", "id", "title", "publishedAt", "url", "source", "themes", "primaryTheme",
        "paragraphs", "removedParagraphs", "paragraphsIn", "paragraphsKept", "processedAt"})
public record EnrichedArticle(
        String schemaVersion,
        String id,
        String title,
        String publishedAt,
        String url,
        String source,
        List<ThemeScore> themes,
        String primaryTheme,
        List<KeptParagraph> paragraphs,
        List<RemovedParagraph> removedParagraphs,
        int paragraphsIn,
        int paragraphsKept,
        String processedAt) {

    public static final String SCHEMA_VERSION = "1.0";
}
