package io.newsflow.launcher.chaos;

import io.newsflow.dedup.ArticleText;
import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.JsonSerde;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * The articles a chaos run publishes: the first N valid, distinct-id articles of the corpora (JSON Lines files, in
 * name order), topped up (or, without corpora, made entirely) with articles generated deterministically from the
 * seed pages: fresh ids, seed paragraphs mixed with generated ones so that the text varies and some paragraphs repeat
 * across articles.
 */
public record ChaosInput(List<Article> articles, String description) {

    public static ChaosInput select(int n, Path corpus, Path seeds) throws IOException {
        List<Article> out = new ArrayList<>(n);
        Set<String> ids = new HashSet<>();
        int fromCorpus = 0;
        int skipped = 0;
        if (corpus != null && Files.exists(corpus)) {
            List<Path> files = new ArrayList<>();
            if (Files.isDirectory(corpus)) {
                try (var s = Files.list(corpus)) {
                    s.filter(p -> p.getFileName().toString().endsWith(".jsonl")).sorted().forEach(files::add);
                }
            } else {
                files.add(corpus);
            }
            for (Path f : files) {
                if (out.size() >= n) {
                    break;
                }
                List<Article> all = new ArrayList<>();
                ArticleFiles.read(f, all::add, p -> { });
                for (Article a : all) {
                    if (out.size() >= n) {
                        break;
                    }
                    if (valid(a) && ids.add(a.id())) {
                        out.add(a);
                        fromCorpus++;
                    } else {
                        skipped++;
                    }
                }
            }
        }
        int generated = 0;
        if (out.size() < n) {
            List<Article> seedArticles = Files.exists(seeds) ? ArticleFiles.readAll(seeds) : List.of();
            Generator g = new Generator(seedArticles);
            for (int i = 0; out.size() < n; i++) {
                Article a = g.article(i);
                if (ids.add(a.id())) {
                    out.add(a);
                    generated++;
                }
            }
        }
        String description = fromCorpus > 0
                ? fromCorpus + " from " + corpus + (skipped > 0 ? " (" + skipped + " invalid or repeated ids skipped)" : "")
                + (generated > 0 ? " + " + generated + " generated from " + seeds : "")
                : generated + " generated from " + seeds + (corpus == null ? "" : " (no corpus at " + corpus + ")");
        return new ChaosInput(List.copyOf(out), description);
    }

    /** What the processor would accept: anything else goes to the dead-letter topic by design. */
    static boolean valid(Article a) {
        return a.id() != null && !a.id().isBlank() && a.id().length() <= 1000 && a.body() != null
                && !a.body().isBlank() && !ArticleText.paragraphs(a).isEmpty();
    }

    /** Splits into {@code chunks} JSON Lines files of (nearly) equal size, in order. */
    public List<Path> writeChunks(Path dir, int chunks) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = new ArrayList<>();
        int size = (articles.size() + chunks - 1) / chunks;
        for (int c = 0; c * size < articles.size(); c++) {
            Path file = dir.resolve(String.format("chunk-%02d.jsonl", c));
            try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                for (Article a : articles.subList(c * size, Math.min(articles.size(), (c + 1) * size))) {
                    w.write(JsonSerde.MAPPER.writeValueAsString(a));
                    w.write('\n');
                }
            }
            files.add(file);
        }
        return files;
    }

    public Set<String> ids() {
        Set<String> s = new LinkedHashSet<>();
        articles.forEach(a -> s.add(a.id()));
        return s;
    }

    /** Deterministic articles from the seed pages (or from a few built-in sentences when there are none). */
    static final class Generator {
        private static final String[] FALLBACK = {
                "Bitcoin rallied after the central bank signalled a pause in rate rises, traders said on Monday.",
                "The exchange said it would tighten know-your-customer checks to meet the new anti-money laundering rules.",
                "Regulators proposed a framework for stablecoin issuers that would require full reserves and audits.",
                "The payments company reported record transaction volumes as more merchants accepted digital wallets.",
                "A machine learning model flagged the suspicious transfers before the funds left the platform."};
        private final List<String> paragraphs = new ArrayList<>();
        private final List<String> titles = new ArrayList<>();
        private final List<String> words = new ArrayList<>();

        Generator(List<Article> seeds) {
            for (Article a : seeds) {
                titles.add(a.title());
                paragraphs.addAll(ArticleText.paragraphs(a));
            }
            if (paragraphs.isEmpty()) {
                paragraphs.addAll(List.of(FALLBACK));
                titles.add("Fintech briefing");
            }
            Set<String> w = new LinkedHashSet<>();
            for (String p : paragraphs) {
                for (String t : p.split("[^\\p{L}\\p{N}]+")) {
                    if (t.length() > 3) {
                        w.add(t.toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
            words.addAll(w);
        }

        Article article(int i) {
            Random r = new Random(0x6E657773L * 31 + i);
            List<String> body = new ArrayList<>();
            int count = 3 + r.nextInt(6);
            for (int k = 0; k < count; k++) {
                if (r.nextInt(3) == 0) {
                    body.add(paragraphs.get(r.nextInt(paragraphs.size()))); // repeats across articles
                } else {
                    body.add(sentence(r, 12 + r.nextInt(30)) + " (report " + i + "." + k + ")");
                }
            }
            String title = titles.get(r.nextInt(titles.size())) + " — update " + i;
            return new Article(String.format("chaos-gen-%06d", i), title,
                    java.time.Instant.ofEpochSecond(1_735_689_600L + i * 600L).toString(), null, "chaos-generator",
                    String.join("\n\n", body));
        }

        private String sentence(Random r, int n) {
            StringBuilder s = new StringBuilder();
            for (int k = 0; k < n; k++) {
                String w = words.get(r.nextInt(words.size()));
                s.append(k == 0 ? Character.toUpperCase(w.charAt(0)) + w.substring(1) : w).append(k == n - 1 ? "." : " ");
            }
            return s.toString();
        }
    }
}
