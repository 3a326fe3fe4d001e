package io.newsflow.classify;

import io.newsflow.model.Article;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code newsflow bench-classify [--input FILE.jsonl|DIR ...] [--themes FILE] [--seconds N]}: warms the classifier
 * up, then reports the mean time per article over many iterations, both for the input articles as they are and for
 * 10-paragraph articles assembled from their paragraphs. Single-threaded; reports wall-clock time (System.nanoTime)
 * and the thread's CPU time, which is the steadier figure when other processes compete for the cores.
 */
public final class ClassifierBenchmark {

    private ClassifierBenchmark() {
    }

    private record Doc(String title, List<String> paragraphs, int chars) {
    }

    public static int run(String[] args, PrintStream out) {
        List<Path> inputs = new ArrayList<>();
        Path themes = null;
        double seconds = 5;
        try {
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--input" -> inputs.add(Path.of(need(args, ++i, a)));
                    case "--themes" -> themes = Path.of(need(args, ++i, a));
                    case "--seconds" -> seconds = Double.parseDouble(need(args, ++i, a));
                    case "-h", "--help" -> {
                        out.println("usage: newsflow bench-classify [--input FILE.jsonl|DIR ...] [--themes FILE] [--seconds N]");
                        return 0;
                    }
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (!(seconds > 0)) {
                throw new IllegalArgumentException("--seconds must be > 0");
            }
        } catch (IllegalArgumentException e) {
            out.println("bench-classify: " + e.getMessage());
            out.println("usage: newsflow bench-classify [--input FILE.jsonl|DIR ...] [--themes FILE] [--seconds N]");
            return 2;
        }
        if (inputs.isEmpty()) {
            for (String candidate : new String[]{"seeds", "../seeds"}) {
                if (Files.isDirectory(Path.of(candidate))) {
                    inputs.add(Path.of(candidate));
                    break;
                }
            }
            if (inputs.isEmpty()) {
                out.println("bench-classify: no --input given and no seeds/ directory here");
                return 2;
            }
        }
        ThemeClassifier classifier;
        Map<String, Article> articles;
        try {
            classifier = themes == null ? ThemeClassifier.defaults() : ThemeClassifier.fromFile(themes);
            articles = ClassifierEvaluation.readArticles(inputs, out);
        } catch (ThemeRulesException e) {
            out.println("bench-classify: bad rules: " + e.getMessage());
            return 2;
        } catch (IOException e) {
            out.println("bench-classify: " + e.getMessage());
            return 1;
        }
        List<Doc> docs = new ArrayList<>();
        List<String> pool = new ArrayList<>();
        for (Article a : articles.values()) {
            List<String> ps = a.paragraphs();
            docs.add(new Doc(a.title(), ps, chars(a.title(), ps)));
            for (String p : ps) {
                if (p.length() <= 1500) {
                    pool.add(p);
                }
            }
        }
        if (docs.isEmpty()) {
            out.println("bench-classify: no articles in the input");
            return 1;
        }
        List<Doc> tens = new ArrayList<>();
        for (int i = 0; i + 10 <= pool.size(); i += 10) {
            List<String> ps = List.copyOf(pool.subList(i, i + 10));
            tens.add(new Doc("Benchmark article " + tens.size(), ps, chars("Benchmark article", ps)));
        }
        out.printf(Locale.ROOT, "%s; %d articles (mean %.0f chars), %d ten-paragraph articles (mean %.0f chars); %d CPU(s)%n",
                classifier.describe(), docs.size(), mean(docs), tens.size(), mean(tens),
                Runtime.getRuntime().availableProcessors());
        long sink = 0;
        // warm-up: let the JIT compile the hot paths before anything is timed
        sink += loop(classifier, docs, seconds / 2);
        if (!tens.isEmpty()) {
            sink += loop(classifier, tens, seconds / 2);
        }
        report(out, "input articles", classifier, docs, seconds);
        if (!tens.isEmpty()) {
            report(out, "10-paragraph articles", classifier, tens, seconds);
        } else {
            out.println("10-paragraph articles: not enough paragraphs in the input to assemble one");
        }
        if (sink == 42) {
            out.println();
        }
        return 0;
    }

    private static void report(PrintStream out, String what, ThemeClassifier c, List<Doc> docs, double seconds) {
        long[] res = measure(c, docs, seconds);
        double us = res[0] / 1000.0 / res[1];
        double cpuUs = res[3] < 0 ? Double.NaN : res[3] / 1000.0 / res[1];
        double chars = res[2] / (double) res[1];
        out.printf(Locale.ROOT, "%-22s %10.1f µs/article wall, %.1f µs/article CPU  (%d classifications, %.2f µs wall per 1,000 chars)%n",
                what + ":", us, cpuUs, res[1], us * 1000.0 / chars);
    }

    /** Returns {wall nanos, count, chars, thread CPU nanos or -1}. */
    private static long[] measure(ThemeClassifier c, List<Doc> docs, double seconds) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        boolean cpu = mx.isCurrentThreadCpuTimeSupported();
        long cpuStart = cpu ? mx.getCurrentThreadCpuTime() : 0;
        long budget = (long) (seconds * 1e9);
        long start = System.nanoTime();
        long count = 0;
        long chars = 0;
        long sink = 0;
        long now;
        do {
            for (Doc d : docs) {
                Classification r = c.classify(d.title(), d.paragraphs());
                sink += r.themes().size() + r.paragraphThemes().size();
                chars += d.chars();
            }
            count += docs.size();
            now = System.nanoTime();
        } while (now - start < budget);
        long cpuNanos = cpu ? mx.getCurrentThreadCpuTime() - cpuStart : -1;
        return new long[]{now - start, count, chars + (sink == Long.MIN_VALUE ? 1 : 0), cpuNanos};
    }

    private static long loop(ThemeClassifier c, List<Doc> docs, double seconds) {
        return measure(c, docs, seconds)[1];
    }

    private static int chars(String title, List<String> ps) {
        int n = title == null ? 0 : title.length();
        for (String p : ps) {
            n += p.length();
        }
        return n;
    }

    private static double mean(List<Doc> docs) {
        return docs.stream().mapToInt(Doc::chars).average().orElse(0);
    }

    private static String need(String[] args, int i, String opt) {
        if (i >= args.length) {
            throw new IllegalArgumentException(opt + " needs a value");
        }
        return args[i];
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }
}
