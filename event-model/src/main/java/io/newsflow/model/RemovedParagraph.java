package io.newsflow.model;

/**
 * A paragraph removed as a repeat. {@code kind} is EXACT (same text after normalisation) or NEAR
 * (resemblance at or above the threshold); {@code similarity} is 1.0 for EXACT.
 */
public record RemovedParagraph(int index, String text, ParagraphRef duplicateOf, String kind, double similarity) {
}
