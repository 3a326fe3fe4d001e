package io.newsflow.classify;

import io.newsflow.model.ThemeScore;

import java.util.List;
import java.util.Map;

/**
 * The result of classifying one article.
 *
 * @param themes          assigned themes (score at or above that theme's threshold), highest score first; possibly
 *                        empty; each carries the terms that put it there (never empty)
 * @param scores          every theme's normalised score in [0, 1), assigned or not, in rules-file order
 * @param paragraphThemes per input paragraph (same order and size as the paragraphs given), the themes that
 *                        paragraph carries on its own evidence
 */
public record Classification(List<ThemeScore> themes,
                             Map<String, Double> scores,
                             List<List<String>> paragraphThemes) {

    public Classification {
        themes = List.copyOf(themes);
        scores = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(scores));
        paragraphThemes = List.copyOf(paragraphThemes);
    }

    /** The highest-scoring assigned theme, or null when none is assigned. */
    public String primaryTheme() {
        return themes.isEmpty() ? null : themes.get(0).theme();
    }
}
