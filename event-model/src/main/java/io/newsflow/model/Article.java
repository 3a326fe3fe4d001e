package io.newsflow.model;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.List;

/**
 * An input article event on the {@code articles} topic, keyed by {@link #id()}.
 * The field names are those of the JSON Lines corpora; unknown extra fields are ignored on read.
 * {@code body} holds the paragraphs separated by a blank line.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Article(String id, String title, String publishedAt, String url, String source, String body) {

    /** The body split into paragraphs: blank lines separate them, lines inside one are joined with a space. */
    public List<String> paragraphs() {
        return splitParagraphs(body);
    }

    public static List<String> splitParagraphs(String body) {
        List<String> out = new ArrayList<>();
        if (body == null) {
            return out;
        }
        StringBuilder current = new StringBuilder();
        for (String line : body.split("\\R", -1)) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) {
                flush(current, out);
            } else {
                if (current.length() > 0) {
                    current.append(' ');
                }
                current.append(trimmed);
            }
        }
        flush(current, out);
        return out;
    }

    private static void flush(StringBuilder current, List<String> out) {
        if (current.length() > 0) {
            out.add(current.toString());
            current.setLength(0);
        }
    }
}
