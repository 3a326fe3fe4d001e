package io.newsflow.launcher.bench;

import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark's articles, a pure function of (sources, seed, dup rate, ordinal): article {@code i} is computed on
 * demand, so 100,000 articles cost no heap in the JVM being measured.
 *
 * <ul>
 *   <li>With probability {@code dupRate} (never for i = 0) article i is a <b>duplicate</b> of an earlier article j
 *       (70%: one of the 500 before it, 30%: any earlier one): 40% an exact copy, 40% a reworded copy (about one
 *       word in 20 replaced or dropped, some case and quote changes), 20% a fresh article that reprints 1-3 of j's
 *       paragraphs.</li>
 *   <li>Otherwise it is <b>fresh</b>: the i-th source article (corpora, then seeds) while they last, then text from a
 *       word-bigram model of the sources, shaped like a random source article (paragraph count and lengths).</li>
 * </ul>
 * Every article gets a fresh id {@code bench-NNNNNNN} (its ordinal), so no two records share a key.
 */
public final class BenchData {
    private static final int RECENT_WINDOW = 500;

    private final List<Article> sources;
    private final List<int[]> shapes;
    private final Markov markov;
    private final long seed;
    private final double dupRate;
    private final Map<Integer, Article> cache = new LinkedHashMap<>(4096, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Article> eldest) {
            return size() > 2048;
        }
    };

    public BenchData(List<Article> sources, long seed, double dupRate) {
        if (sources.isEmpty()) {
            throw new IllegalArgumentException("no source articles (neither corpora nor seeds were found)");
        }
        this.sources = sources.stream().map(BenchData::paragraphed).toList();
        this.seed = seed;
        this.dupRate = dupRate;
        this.shapes = new ArrayList<>(sources.size());
        List<String> paragraphs = new ArrayList<>();
        for (Article a : this.sources) {
            List<String> ps = a.paragraphs();
            int[] shape = new int[Math.min(30, Math.max(1, ps.size()))];
            for (int k = 0; k < shape.length; k++) {
                shape[k] = k < ps.size() ? Math.max(4, Math.min(200, ps.get(k).split("\\s+").length)) : 40;
            }
            shapes.add(shape);
            paragraphs.addAll(ps);
        }
        this.markov = new Markov(paragraphs);
    }

    private static final java.util.regex.Pattern SENTENCE_END =
            java.util.regex.Pattern.compile("(?<=[.!?][\"\u201D]?)\\s+(?=[A-Z\"\u201C])");

    /**
     * Some corpora (crypto-news-2025) hold each body as one paragraph of ~800 words. Such a body (one paragraph
     * above 150 words) is cut into paragraphs of three sentences, so every article has news-like paragraphs.
     */
    static Article paragraphed(Article a) {
        List<String> ps = a.paragraphs();
        if (ps.size() != 1 || ps.get(0).split("\\s+").length <= 150) {
            return a;
        }
        String[] sentences = SENTENCE_END.split(ps.get(0));
        StringBuilder body = new StringBuilder();
        for (int k = 0; k < sentences.length; k++) {
            if (k > 0) {
                body.append(k % 3 == 0 ? "\n\n" : " ");
            }
            body.append(sentences[k]);
        }
        return new Article(a.id(), a.title(), a.publishedAt(), a.url(), a.source(), body.toString());
    }

    /** Reads the sources: each corpus file or directory that exists, then the seeds. */
    public static List<Article> loadSources(List<Path> corpora, Path seeds) throws IOException {
        List<Article> out = new ArrayList<>();
        for (Path p : corpora) {
            if (Files.exists(p)) {
                ArticleFiles.read(p, a -> {
                    if (a.body() != null && !a.body().isBlank()) {
                        out.add(a);
                    }
                }, problem -> { });
            }
        }
        if (seeds != null && Files.exists(seeds)) {
            ArticleFiles.read(seeds, out::add, problem -> { });
        }
        return out;
    }

    public int sourceCount() {
        return sources.size();
    }

    public static String id(int ordinal) {
        return String.format("bench-%07d", ordinal);
    }

    /** The ordinal in an id made by {@link #id}, or -1. */
    public static int ordinal(CharSequence s, int from) {
        if (s.length() < from + 13 || !s.subSequence(from, from + 6).toString().equals("bench-")) {
            return -1;
        }
        int v = 0;
        for (int k = from + 6; k < from + 13; k++) {
            char c = s.charAt(k);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** What kind article i is, for the report. */
    public enum Kind { SOURCE, SYNTHETIC, EXACT_COPY, REWORDED_COPY, PARTIAL_REPRINT }

    public Kind kind(int i) {
        SplittableRandom r = random(i);
        if (i > 0 && r.nextDouble() < dupRate) {
            r.nextInt(i); // j
            r.nextInt(10); // window choice
            int k = r.nextInt(10);
            return k < 4 ? Kind.EXACT_COPY : k < 8 ? Kind.REWORDED_COPY : Kind.PARTIAL_REPRINT;
        }
        return i < sources.size() ? Kind.SOURCE : Kind.SYNTHETIC;
    }

    public synchronized Article article(int i) {
        Article cached = cache.get(i);
        if (cached != null) {
            return cached;
        }
        Article a = make(i);
        cache.put(i, a);
        return a;
    }

    private SplittableRandom random(int i) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L + 1);
    }

    private Article make(int i) {
        SplittableRandom r = random(i);
        String id = id(i);
        String publishedAt = java.time.Instant.ofEpochSecond(1_735_689_600L + i * 60L).toString();
        if (i > 0 && r.nextDouble() < dupRate) {
            int far = r.nextInt(i);
            int j = r.nextInt(10) < 7 ? i - 1 - (far % Math.min(i, RECENT_WINDOW)) : far;
            int k = r.nextInt(10);
            Article src = article(j);
            if (k < 4) {
                return new Article(id, src.title(), publishedAt, url(id), src.source(), src.body());
            }
            if (k < 8) {
                List<String> out = new ArrayList<>();
                for (String p : src.paragraphs()) {
                    out.add(reword(p, r));
                }
                return new Article(id, reword(src.title(), r), publishedAt, url(id), "bench-repost",
                        String.join("\n\n", out));
            }
            List<String> fresh = synthParagraphs(r);
            List<String> taken = src.paragraphs();
            int n = 1 + r.nextInt(3);
            for (int t = 0; t < n && !taken.isEmpty(); t++) {
                String p = taken.get(r.nextInt(taken.size()));
                fresh.add(r.nextInt(fresh.size() + 1), p);
            }
            return new Article(id, markov.sentence(r, 6 + r.nextInt(8)), publishedAt, url(id), "bench-synthetic",
                    String.join("\n\n", fresh));
        }
        if (i < sources.size()) {
            Article s = sources.get(i);
            return new Article(id, s.title(), publishedAt, url(id), s.source(), s.body());
        }
        return new Article(id, markov.sentence(r, 6 + r.nextInt(8)), publishedAt, url(id), "bench-synthetic",
                String.join("\n\n", synthParagraphs(r)));
    }

    private List<String> synthParagraphs(SplittableRandom r) {
        int[] shape = shapes.get(r.nextInt(shapes.size()));
        List<String> out = new ArrayList<>(shape.length + 3);
        for (int words : shape) {
            out.add(markov.sentence(r, words));
        }
        return out;
    }

    private static String url(String id) {
        return "https://bench.newsflow.invalid/" + id;
    }

    private static final Map<String, String> SYNONYMS = new HashMap<>();

    static {
        String[] pairs = {"said", "stated", "rose", "climbed", "fell", "dropped", "company", "firm", "market",
                "markets", "price", "value", "big", "large", "large", "big", "increase", "rise", "also", "additionally",
                "but", "however", "buy", "purchase", "sell", "offload", "new", "fresh", "about", "around",
                "percent", "%", "million", "mln", "billion", "bln", "investors", "traders", "traders", "investors",
                "week", "weekly period", "according", "as per"};
        for (int k = 0; k < pairs.length; k += 2) {
            SYNONYMS.putIfAbsent(pairs[k], pairs[k + 1]);
        }
    }

    /** A light rewording: ~5% of words replaced by a synonym or dropped, ~5% change case, straight quotes curl. */
    static String reword(String text, SplittableRandom r) {
        if (text == null) {
            return null;
        }
        String[] words = text.split(" ");
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (String w : words) {
            double x = r.nextDouble();
            String out = w;
            if (x < 0.05) {
                String syn = SYNONYMS.get(w.toLowerCase());
                if (syn != null) {
                    out = syn;
                } else if (r.nextBoolean()) {
                    continue; // drop the word
                }
            } else if (x < 0.10) {
                out = Character.isUpperCase(w.isEmpty() ? 'a' : w.charAt(0)) ? w.toLowerCase() : w.toUpperCase();
            }
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(out.replace('"', '\u201C'));
        }
        return sb.toString();
    }

    /** Word-bigram text model: successor lists with multiplicity, sentence starts. */
    static final class Markov {
        private final String[] vocab;
        private final int[][] next;
        private final int[] starts;

        Markov(List<String> paragraphs) {
            Map<String, Integer> index = new HashMap<>();
            List<String> words = new ArrayList<>();
            Map<Integer, List<Integer>> succ = new HashMap<>();
            List<Integer> startList = new ArrayList<>();
            for (String p : paragraphs) {
                int prev = -1;
                for (String w : p.split("\\s+")) {
                    if (w.isEmpty()) {
                        continue;
                    }
                    Integer id = index.get(w);
                    if (id == null) {
                        id = words.size();
                        index.put(w, id);
                        words.add(w);
                    }
                    if (prev < 0 || words.get(prev).endsWith(".")) {
                        startList.add(id);
                    }
                    if (prev >= 0) {
                        succ.computeIfAbsent(prev, x -> new ArrayList<>()).add(id);
                    }
                    prev = id;
                }
            }
            vocab = words.toArray(new String[0]);
            next = new int[vocab.length][];
            for (int k = 0; k < vocab.length; k++) {
                List<Integer> s = succ.get(k);
                next[k] = s == null ? new int[0] : s.stream().mapToInt(Integer::intValue).toArray();
            }
            starts = startList.stream().mapToInt(Integer::intValue).toArray();
        }

        String sentence(SplittableRandom r, int wordCount) {
            StringBuilder sb = new StringBuilder(wordCount * 7);
            int cur = starts[r.nextInt(starts.length)];
            for (int k = 0; k < wordCount; k++) {
                if (k > 0) {
                    sb.append(' ');
                }
                sb.append(vocab[cur]);
                int[] n = next[cur];
                cur = n.length == 0 ? starts[r.nextInt(starts.length)] : n[r.nextInt(n.length)];
            }
            char last = sb.charAt(sb.length() - 1);
            if (last != '.' && last != '!' && last != '?') {
                sb.append('.');
            }
            return sb.toString();
        }
    }
}
