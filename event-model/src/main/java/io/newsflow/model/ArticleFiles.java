package io.newsflow.model;

import com.fasterxml.jackson.core.JsonProcessingException;



import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads articles from the formats we accept: a directory of seed-style {@code .txt} pages, or JSON Lines
 * (a file or stdin). A line or file that cannot be parsed is reported with its path and line and skipped.
 */
public final class ArticleFiles {

    private static final Pattern PUBLISHED_AT = Pattern.compile("^Published at:\\s*(.+)$", Pattern.CASE_INSENSITIVE);

    private ArticleFiles() {
    }

    /** A problem with one input unit; the read goes on. */
    public record Problem(String where, String reason) {
        @Override
        public String toString() {
            return where + ": " + reason;
        }
    }

    /** Reads everything at {@code path}: a directory of .txt/.jsonl files, one .txt file, or one .jsonl file. */
    public static void read(Path path, Consumer<Article> articles, Consumer<Problem> problems) throws IOException {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> s = Files.list(path)) {
                files = s.filter(p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(".txt") || n.endsWith(".jsonl");
                }).sorted().toList();
            }
            for (Path f : files) {
                readFile(f, articles, problems);
            }
        } else {
            readFile(path, articles, problems);
        }
    }

    /** Convenience for tests and tools that want everything in memory. */
    public static List<Article> readAll(Path path) throws IOException {
        List<Article> out = new ArrayList<>();
        read(path, out::add, p -> {
            throw new IllegalArgumentException(p.toString());
        });
        return out;
    }

    private static void readFile(Path file, Consumer<Article> articles, Consumer<Problem> problems) throws IOException {
        String name = file.getFileName().toString();
        if (name.endsWith(".jsonl") || name.endsWith(".json")) {
            try (InputStream in = Files.newInputStream(file)) {
                readJsonLines(in, file.toString(), articles, problems);
            }
        } else {
            try {
                String text = Files.readString(file, StandardCharsets.UTF_8);
                String id = name.contains(".") ? name.substring(0, name.lastIndexOf('.')) : name;
                articles.accept(parseText(id, text));
            } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                problems.accept(new Problem(file.toString(), "cannot read article: " + e.getMessage()));
            }
        }
    }

    /** JSON Lines, one article object per line; blank lines are skipped. */
    public static void readJsonLines(InputStream in, String where, Consumer<Article> articles, Consumer<Problem> problems)
            throws IOException {
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        String line;
        int lineNo = 0;
        while ((line = reader.readLine()) != null) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            try {
                articles.accept(JsonSerde.MAPPER.readValue(line, Article.class));
            } catch (JsonProcessingException e) {
                problems.accept(new Problem(where + ":" + lineNo, "not an article JSON object: " + e.getOriginalMessage()));
            }
        }
    }

    /**
     * A seed-style page: first non-empty line is the title, an optional {@code Published at: <date>} line,
     * then paragraphs separated by blank lines (hard-wrapped lines inside a paragraph are joined).
     */
    public static Article parseText(String id, String text) {
        String[] lines = text.replace("\uFEFF", "").split("\\R", -1);
        int i = 0;
        while (i < lines.length && lines[i].isBlank()) {
            i++;
        }
        if (i == lines.length) {
            throw new IllegalArgumentException("empty file");
        }
        String title = lines[i++].strip();
        String publishedAt = null;
        int j = i;
        while (j < lines.length && lines[j].isBlank()) {
            j++;
        }
        if (j < lines.length) {
            Matcher m = PUBLISHED_AT.matcher(lines[j].strip());
            if (m.matches()) {
                publishedAt = m.group(1).strip();
                i = j + 1;
            }
        }
        StringBuilder body = new StringBuilder();
        for (String p : Article.splitParagraphs(String.join("\n", java.util.Arrays.copyOfRange(lines, i, lines.length)))) {
            if (body.length() > 0) {
                body.append("\n\n");
            }
            body.append(p);
        }
        return new Article(id, title, publishedAt, null, null, body.toString());
    }
}
