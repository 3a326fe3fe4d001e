package io.newsflow.model;

import java.util.List;

/** One theme assigned to an article or paragraph, with the evidence that put it there. */
public record ThemeScore(String theme, double score, List<String> matchedTerms) {
}
