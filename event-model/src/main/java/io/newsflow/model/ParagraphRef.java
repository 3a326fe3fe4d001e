package io.newsflow.model;

/** Points at one paragraph of one article: the paragraph's 0-based index in the article's input body. */
public record ParagraphRef(String articleId, int index) {
}
