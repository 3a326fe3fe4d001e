package io.newsflow.classify;

import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.ThemeScore;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code newsflow eval --input FILE.jsonl|DIR [--input ...] --labels FILE.tsv [--labels ...] [--themes FILE]
 * [--split all|dev|val] [--max-errors N]}: classifies every labelled article and prints per-theme precision,
 * recall, F1 and support, macro-F1, then the articles it got wrong with the terms behind each decision.
 */
public final class ClassifierEvaluation {

    /** Label meaning "no theme". */
    public static final String NONE = "NONE";

    private ClassifierEvaluation() {
    }

    /** Counts for one theme. */
    public record ThemeStats(String theme, int tp, int fp, int fn) {
        public int support() {
            return tp + fn;
        }

        public int predicted() {
            return tp + fp;
        }

        public double precision() {
            return predicted() == 0 ? (support() == 0 ? Double.NaN : 0.0) : tp / (double) predicted();
        }

        public double recall() {
            return support() == 0 ? Double.NaN : tp / (double) support();
        }

        /** F1, or NaN when the theme has neither gold nor predicted articles (then it is left out of macro-F1). */
        public double f1() {
            if (support() == 0 && predicted() == 0) {
                return Double.NaN;
            }
            return 2.0 * tp / (2.0 * tp + fp + fn);
        }
    }

    /** One mistake: gold and predicted sets differ. */
    public record Miss(String id, Set<String> expected, Set<String> got, Classification classification) {
    }

    /** Result of one evaluation. */
    public record Result(List<ThemeStats> themes, int articles, int exact, List<Miss> misses) {
        /** Mean F1 over themes that have gold or predicted articles; NaN when none has. */
        public double macroF1() {
            double sum = 0;
            int n = 0;
            for (ThemeStats s : themes) {
                if (!Double.isNaN(s.f1())) {
                    sum += s.f1();
                    n++;
                }
            }
            return n == 0 ? Double.NaN : sum / n;
        }

        public ThemeStats stats(String theme) {
            return themes.stream().filter(s -> s.theme().equals(theme)).findFirst().orElseThrow();
        }
    }

    /** Classifies every labelled article present in {@code articles}; labelled ids not present are skipped. */
    public static Result evaluate(ThemeClassifier classifier, Map<String, Article> articles,
                                  Map<String, Set<String>> labels) {
        List<String> codes = classifier.themeCodes();
        int[] tp = new int[codes.size()];
        int[] fp = new int[codes.size()];
        int[] fn = new int[codes.size()];
        int n = 0;
        int exact = 0;
        List<Miss> misses = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : labels.entrySet()) {
            Article a = articles.get(e.getKey());
            if (a == null) {
                continue;
            }
            n++;
            Classification c = classifier.classify(a.title(), a.paragraphs());
            Set<String> got = new TreeSet<>();
            for (ThemeScore s : c.themes()) {
                got.add(s.theme());
            }
            Set<String> gold = new TreeSet<>(e.getValue());
            for (int t = 0; t < codes.size(); t++) {
                boolean g = gold.contains(codes.get(t));
                boolean p = got.contains(codes.get(t));
                if (g && p) {
                    tp[t]++;
                } else if (p) {
                    fp[t]++;
                } else if (g) {
                    fn[t]++;
                }
            }
            if (gold.equals(got)) {
                exact++;
            } else {
                misses.add(new Miss(e.getKey(), gold, got, c));
            }
        }
        List<ThemeStats> stats = new ArrayList<>();
        for (int t = 0; t < codes.size(); t++) {
            stats.add(new ThemeStats(codes.get(t), tp[t], fp[t], fn[t]));
        }
        return new Result(stats, n, exact, misses);
    }

    /**
     * Reads a labels TSV: header {@code id<TAB>themes}, then one id per line with comma-separated theme codes or
     * NONE. Blank lines and lines starting with # are skipped. Unknown codes are an error naming the line.
     */
    public static Map<String, Set<String>> readLabels(Path file, Set<String> knownThemes) throws IOException {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean header = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] cols = line.split("\t");
            if (!header) {
                header = true;
                if (cols.length >= 2 && cols[0].equalsIgnoreCase("id") && cols[1].equalsIgnoreCase("themes")) {
                    continue;
                }
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected header 'id<TAB>themes'");
            }
            if (cols.length < 2) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected 'id<TAB>themes'");
            }
            Set<String> themes = new TreeSet<>();
            for (String t : cols[1].split(",")) {
                String code = t.strip().toUpperCase(Locale.ROOT);
                if (code.isEmpty() || code.equals(NONE)) {
                    continue;
                }
                if (!knownThemes.contains(code)) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": unknown theme '" + code + "' (known: "
                            + String.join(", ", knownThemes) + ", NONE)");
                }
                themes.add(code);
            }
            out.put(cols[0].strip(), themes);
        }
        return out;
    }

    /** The deterministic ~30% validation split of the labelled ids (FNV-1a hash of the id). */
    public static boolean isValidation(String id) {
        int h = 0x811c9dc5;
        for (int i = 0; i < id.length(); i++) {
            h ^= id.charAt(i);
            h *= 0x01000193;
        }
        return Integer.remainderUnsigned(h, 10) < 3;
    }

    /** Reads every --input into one map by id (later inputs win on duplicate ids). */
    public static Map<String, Article> readArticles(List<Path> inputs, PrintStream out) throws IOException {
        Map<String, Article> articles = new LinkedHashMap<>();
        for (Path in : inputs) {
            ArticleFiles.read(in, a -> articles.put(a.id(), a), p -> out.println("warning: " + p));
        }
        return articles;
    }

    public static int run(String[] args, PrintStream out) {
        List<Path> inputs = new ArrayList<>();
        List<Path> labelFiles = new ArrayList<>();
        Path themes = null;
        String split = "all";
        int maxErrors = Integer.MAX_VALUE;
        boolean dump = false;
        List<String> explain = new ArrayList<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--input" -> inputs.add(Path.of(value(args, ++i, a)));
                    case "--labels" -> labelFiles.add(Path.of(value(args, ++i, a)));
                    case "--themes" -> themes = Path.of(value(args, ++i, a));
                    case "--split" -> split = value(args, ++i, a);
                    case "--max-errors" -> maxErrors = Integer.parseInt(value(args, ++i, a));
                    case "--scores" -> dump = true;
                    case "--explain" -> explain.add(value(args, ++i, a));
                    case "-h", "--help" -> {
                        usage(out);
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (inputs.isEmpty() || labelFiles.isEmpty()) {
                throw new IllegalArgumentException("--input and --labels are required");
            }
            if (!Set.of("all", "dev", "val").contains(split)) {
                throw new IllegalArgumentException("--split must be all, dev or val");
            }
        } catch (IllegalArgumentException e) {
            out.println("eval: " + e.getMessage());
            usage(out);
            return 2;
        }
        ThemeClassifier classifier;
        try {
            classifier = themes == null ? ThemeClassifier.defaults() : ThemeClassifier.fromFile(themes);
        } catch (ThemeRulesException e) {
            out.println("eval: bad rules: " + e.getMessage());
            return 2;
        }
        try {
            Map<String, Set<String>> labels = new LinkedHashMap<>();
            Set<String> known = new LinkedHashSet<>(classifier.themeCodes());
            for (Path f : labelFiles) {
                labels.putAll(readLabels(f, known));
            }
            if (!split.equals("all")) {
                boolean val = split.equals("val");
                labels.keySet().removeIf(id -> isValidation(id) != val);
            }
            Map<String, Article> articles = readArticles(inputs, out);
            List<String> missing = labels.keySet().stream().filter(id -> !articles.containsKey(id)).toList();
            out.printf(Locale.ROOT, "%s; %d labelled ids (split %s), %d articles read, %d labelled found%n",
                    classifier.describe(), labels.size(), split, articles.size(), labels.size() - missing.size());
            if (!missing.isEmpty()) {
                out.println("labelled ids missing from the input (" + missing.size() + "): " + String.join(" ", missing));
            }
            for (String id : explain) {
                Article a = articles.get(id);
                out.println("== explain " + id + (a == null ? ": not in the input" : ": " + a.title()));
                if (a != null) {
                    out.print(classifier.explain(a.title(), a.paragraphs()));
                }
            }
            Result r = evaluate(classifier, articles, labels);
            if (dump) {
                for (Map.Entry<String, Set<String>> e : labels.entrySet()) {
                    Article a = articles.get(e.getKey());
                    if (a != null) {
                        Classification c = classifier.classify(a.title(), a.paragraphs());
                        out.printf(Locale.ROOT, "score\t%s\t%s\t%s%n", e.getKey(), setText(e.getValue()), c.scores());
                    }
                }
            }
            print(r, out, maxErrors);
            return 0;
        } catch (IOException | IllegalArgumentException e) {
            out.println("eval: " + e.getMessage());
            return 1;
        }
    }

    static void print(Result r, PrintStream out, int maxErrors) {
        out.printf(Locale.ROOT, "%n%-22s %7s %7s %7s %7s %7s%n", "theme", "support", "predict", "P", "R", "F1");
        for (ThemeStats s : r.themes()) {
            out.printf(Locale.ROOT, "%-22s %7d %7d %7s %7s %7s%n", s.theme(), s.support(), s.predicted(),
                    fmt(s.precision()), fmt(s.recall()), fmt(s.f1()));
        }
        out.printf(Locale.ROOT, "%-22s %7s %7s %7s %7s %7s%n", "macro-F1", "", "", "", "", fmt(r.macroF1()));
        out.printf(Locale.ROOT, "exact match: %d/%d%n", r.exact(), r.articles());
        if (r.misses().isEmpty()) {
            return;
        }
        out.printf(Locale.ROOT, "%nwrong (%d): id | expected | got | evidence%n", r.misses().size());
        int shown = 0;
        for (Miss m : r.misses()) {
            if (shown++ >= maxErrors) {
                out.println("... " + (r.misses().size() - maxErrors) + " more");
                break;
            }
            StringBuilder ev = new StringBuilder();
            Set<String> involved = new TreeSet<>(m.expected());
            involved.addAll(m.got());
            for (ThemeScore s : m.classification().themes()) {
                ev.append(' ').append(s.theme()).append('=').append(fmt(s.score())).append(' ')
                        .append(s.matchedTerms().subList(0, Math.min(5, s.matchedTerms().size())));
            }
            for (String t : involved) {
                if (!m.got().contains(t)) {
                    ev.append(' ').append(t).append('=').append(fmt(m.classification().scores().getOrDefault(t, 0.0)))
                            .append(" (not assigned)");
                }
            }
            out.printf(Locale.ROOT, "%s | %s | %s |%s%n", m.id(), setText(m.expected()), setText(m.got()), ev);
        }
    }

    private static String setText(Set<String> s) {
        return s.isEmpty() ? NONE : String.join(",", s);
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String value(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return args[i];
    }

    private static void usage(PrintStream out) {
        out.println("usage: newsflow eval --input FILE.jsonl|DIR [--input ...] --labels FILE.tsv [--labels ...]"
                + " [--themes FILE] [--split all|dev|val] [--max-errors N] [--scores] [--explain ID]");
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
