package io.newsflow.model;

import java.util.List;

/** A paragraph that survived deduplication: its index in the input body, its text and its own themes. */
public record KeptParagraph(int index, String text, List<String> themes) {
}
