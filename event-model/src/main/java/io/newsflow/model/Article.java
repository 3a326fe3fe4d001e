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
        // Lines end where the regex \R would end them (CRLF, LF, CR, VT, FF, NEL, LS, PS); a char loop
        // because String.split compiles that regex again on every call, on every article.
        int start = 0;
        for (int i = 0, n = body.length(); i <= n; i++) {
            char c = i < n ? body.charAt(i) : '\n';
            if (c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                line(body.substring(start, i).strip(), current, out);
                if (c == '\r' && i + 1 < n && body.charAt(i + 1) == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        flush(current, out);
        return out;
    }

    private static void line(String trimmed, StringBuilder current, List<String> out) {
        if (trimmed.isEmpty()) {
            flush(current, out);
        } else {
            if (current.length() > 0) {
                current.append(' ');
            }
            current.append(trimmed);
        }
    }

    private static void flush(StringBuilder current, List<String> out) {
        if (current.length() > 0) {
            out.add(current.toString());
            current.setLength(0);
        }
    }
}
