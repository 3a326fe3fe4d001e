package io.newsflow.views;

import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.RemovedParagraph;
import io.newsflow.model.ThemeScore;

import java.time.Instant;
import java.util.List;

/**
 * One line of the live feed: what the dashboard lists without loading the whole article.
 *
 * @param articleTime  the article time used for the windows (ISO-8601 UTC)
 * @param arrivedAt    when the processor emitted the article (its {@code processedAt}), epoch ms: "latest" order
 */
public record ArticleSummary(String id, String title, String publishedAt, String articleTime, String source,
                             String url, String primaryTheme, List<Chip> themes, int paragraphsIn, int paragraphsKept,
                             int removedExact, int removedNear, String processedAt, long arrivedAt) {

    /** A theme and its score. */
    public record Chip(String theme, double score) {
    }

    public static ArticleSummary of(EnrichedArticle a, long articleTime, long arrivedAt) {
        int exact = 0;
        int near = 0;
        for (RemovedParagraph r : a.removedParagraphs() == null ? List.<RemovedParagraph>of() : a.removedParagraphs()) {
            if ("EXACT".equals(r.kind())) {
                exact++;
            } else {
                near++;
            }
        }
        List<Chip> chips = a.themes() == null ? List.of()
                : a.themes().stream().map((ThemeScore t) -> new Chip(t.theme(), t.score())).toList();
        return new ArticleSummary(a.id(), a.title(), a.publishedAt(), Instant.ofEpochMilli(articleTime).toString(),
                a.source(), a.url(), a.primaryTheme(), chips, a.paragraphsIn(), a.paragraphsKept(), exact, near,
                a.processedAt(), arrivedAt);
    }
}
