package io.newsflow.launcher.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.newsflow.launcher.bench.BenchRun.Mode;
import io.newsflow.launcher.bench.BenchRun.Result;
import io.newsflow.model.JsonSerde;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Aggregates the runs of one invocation and writes them as JSON and as a hand-drawn SVG chart. */
public final class BenchReport {

    /** Figures of one mode over its measured runs: mean throughput, percentiles of all latencies pooled. */
    public record Summary(Mode mode, int runs, double articlesPerSec, double paragraphsPerSec, double p50, double p95,
                          double p99, double max, long heapAfterGcMax, long rssMax, long stateBytesMax) {
        public static Summary of(Mode mode, List<Result> rs) {
            double aps = rs.stream().mapToDouble(Result::articlesPerSec).average().orElse(Double.NaN);
            double pps = rs.stream().mapToDouble(Result::paragraphsPerSec).average().orElse(Double.NaN);
            double[] all = rs.stream().flatMapToDouble(r -> Arrays.stream(r.latencyMsSorted())).sorted().toArray();
            return new Summary(mode, rs.size(), aps, pps, BenchRun.percentile(all, 50), BenchRun.percentile(all, 95),
                    BenchRun.percentile(all, 99), all.length == 0 ? Double.NaN : all[all.length - 1],
                    rs.stream().mapToLong(Result::heapUsedAfterGc).max().orElse(-1),
                    rs.stream().mapToLong(Result::rssBytes).max().orElse(-1),
                    rs.stream().mapToLong(Result::stateBytes).max().orElse(-1));
        }
    }

    private BenchReport() {
    }

    /** {@code ladder}: the summaries of the {@code --ladder} rungs (empty without it), each with its ratio. */
    public static void writeJson(Path file, Map<String, Object> setup, List<Result> runs, Summary pipeline,
                                 Summary baseline, List<Summary> ladder) throws IOException {
        ObjectNode root = JsonSerde.MAPPER.createObjectNode();
        root.set("setup", JsonSerde.MAPPER.valueToTree(setup));
        ObjectNode summary = root.putObject("summary");
        summary.set("pipeline", summaryNode(pipeline));
        summary.set("baseline", summaryNode(baseline));
        summary.put("throughput_ratio", pipeline.articlesPerSec() / baseline.articlesPerSec());
        summary.put("p50_ratio", pipeline.p50() / baseline.p50());
        summary.put("p99_ratio", pipeline.p99() / baseline.p99());
        if (!ladder.isEmpty()) {
            ObjectNode rungs = summary.putObject("ladder");
            for (Summary rung : ladder) {
                ObjectNode o = summaryNode(rung);
                o.put("description", rung.mode().description);
                o.put("throughput_ratio", rung.articlesPerSec() / baseline.articlesPerSec());
                rungs.set(rung.mode().label, o);
            }
        }
        ArrayNode arr = root.putArray("runs");
        for (Result r : runs) {
            ObjectNode o = arr.addObject();
            o.put("label", r.label());
            o.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
            o.put("articles", r.articles());
            o.put("paragraphs", r.paragraphs());
            o.put("seconds", r.seconds());
            o.put("articles_per_sec", r.articlesPerSec());
            o.put("paragraphs_per_sec", r.paragraphsPerSec());
            o.put("latency_p50_ms", r.percentile(50));
            o.put("latency_p95_ms", r.percentile(95));
            o.put("latency_p99_ms", r.percentile(99));
            o.put("latency_max_ms", r.percentile(100));
            o.put("heap_used_after_gc_bytes", r.heapUsedAfterGc());
            o.put("rss_bytes", r.rssBytes());
            o.put("state_store_bytes", r.stateBytes());
            o.put("stream_threads_cpu_ms_per_article", r.streamCpuMsPerArticle());
            o.put("process_cpu_ms_per_article", r.processCpuMsPerArticle());
            ObjectNode sink = o.putObject("sink");
            sink.put("lines", r.sink().lines());
            sink.put("paragraphs_in", r.sink().paragraphsIn());
            sink.put("paragraphs_kept", r.sink().paragraphsKept());
            sink.put("removed_exact", r.sink().removedExact());
            sink.put("removed_near", r.sink().removedNear());
            ArrayNode tl = o.putArray("timeline");
            for (double[] p : r.timeline()) {
                tl.addArray().add(round(p[0], 3)).add((long) p[1]).add((long) p[2]);
            }
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        JsonSerde.MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
    }

    private static ObjectNode summaryNode(Summary s) {
        ObjectNode o = JsonSerde.MAPPER.createObjectNode();
        o.put("runs", s.runs());
        o.put("articles_per_sec", s.articlesPerSec());
        o.put("paragraphs_per_sec", s.paragraphsPerSec());
        o.put("latency_p50_ms", s.p50());
        o.put("latency_p95_ms", s.p95());
        o.put("latency_p99_ms", s.p99());
        o.put("latency_max_ms", s.max());
        o.put("heap_used_after_gc_bytes_max", s.heapAfterGcMax());
        o.put("rss_bytes_max", s.rssMax());
        o.put("state_store_bytes_max", s.stateBytesMax());
        return o;
    }

    private static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }

    // ------------------------------------------------------------------------------------------------ SVG

    private static final int W = 960;
    private static final int H = 700;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final String PIPE = "#c0392b";
    private static final String BASE = "#2471a3";

    /** Two panels: sink throughput over time for every run, and the latency distribution (CDF) of each mode. */
    public static void writeSvg(Path file, String subtitle, List<Result> runs, Summary pipeline, Summary baseline)
            throws IOException {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica,Arial,sans-serif\" font-size=\"12\">%n", W, H, W, H));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(text(W / 2.0, 24, "newsflow bench: full pipeline vs pass-through baseline", "middle", 16, "bold"));
        s.append(text(W / 2.0, 42, subtitle, "middle", 11, "normal"));

        // panel 1: throughput over time
        int top1 = 70;
        int h1 = 250;
        double tMax = 1;
        double rMax = 1;
        List<double[][]> series = new java.util.ArrayList<>();
        for (Result r : runs) {
            double[][] pts = rateSeries(r.timeline());
            series.add(pts);
            for (double[] p : pts) {
                tMax = Math.max(tMax, p[0]);
                rMax = Math.max(rMax, p[1]);
            }
        }
        rMax = niceCeil(rMax);
        tMax = niceCeil(tMax);
        int plotW = W - LEFT - RIGHT;
        s.append(text(LEFT, top1 - 8, "Articles written by the sink per second (1 s window), each run", "start", 13, "bold"));
        axes(s, LEFT, top1, plotW, h1, 0, tMax, 0, rMax, "seconds since first publish", "articles/s", false);
        for (int k = 0; k < runs.size(); k++) {
            Result r = runs.get(k);
            String color = r.mode() == Mode.PIPELINE ? PIPE : BASE;
            String dash = k / 2 % 2 == 0 ? "" : " stroke-dasharray=\"6 3\"";
            StringBuilder pts = new StringBuilder();
            for (double[] p : series.get(k)) {
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", LEFT + p[0] / tMax * plotW,
                        top1 + h1 - p[1] / rMax * h1));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\"%s "
                    + "points=\"%s\"><title>%s</title></polyline>%n", color, dash, pts.toString().trim(), r.label()));
        }
        legend(s, W - RIGHT - 300, top1 + 10, new String[] {
                String.format(Locale.ROOT, "pipeline (mean %.0f articles/s)", pipeline.articlesPerSec()),
                String.format(Locale.ROOT, "pass-through baseline (mean %.0f articles/s)", baseline.articlesPerSec())},
                new String[] {PIPE, BASE});

        // panel 2: latency CDF, log x
        int top2 = top1 + h1 + 90;
        int h2 = 230;
        double lo = Double.MAX_VALUE;
        double hi = 1;
        for (Result r : runs) {
            double[] l = r.latencyMsSorted();
            if (l.length > 0) {
                lo = Math.min(lo, l[0]);
                hi = Math.max(hi, l[l.length - 1]);
            }
        }
        double xMin = Math.pow(10, Math.floor(Math.log10(Math.max(0.1, lo))));
        double xMax = Math.pow(10, Math.ceil(Math.log10(Math.max(hi, xMin * 10))));
        s.append(text(LEFT, top2 - 8, "Latency publish → sink file, all measured runs pooled (cumulative, log scale)",
                "start", 13, "bold"));
        axes(s, LEFT, top2, plotW, h2, xMin, xMax, 0, 100, "milliseconds", "% of articles", true);
        for (Mode m : Mode.values()) {
            double[] all = runs.stream().filter(r -> r.mode() == m)
                    .flatMapToDouble(r -> Arrays.stream(r.latencyMsSorted())).sorted().toArray();
            if (all.length == 0) {
                continue;
            }
            StringBuilder pts = new StringBuilder();
            int steps = 400;
            for (int k = 0; k <= steps; k++) {
                double q = k / (double) steps;
                double v = all[Math.min(all.length - 1, (int) Math.floor(q * (all.length - 1)))];
                double x = LEFT + (Math.log10(Math.max(v, xMin)) - Math.log10(xMin))
                        / (Math.log10(xMax) - Math.log10(xMin)) * plotW;
                pts.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, top2 + h2 - q * h2));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"%s\"/>%n",
                    m == Mode.PIPELINE ? PIPE : BASE, pts.toString().trim()));
        }
        legend(s, LEFT + 10, top2 + 10, new String[] {
                String.format(Locale.ROOT, "pipeline p50 %.0f / p95 %.0f / p99 %.0f ms", pipeline.p50(), pipeline.p95(), pipeline.p99()),
                String.format(Locale.ROOT, "baseline p50 %.0f / p95 %.0f / p99 %.0f ms", baseline.p50(), baseline.p95(), baseline.p99())},
                new String[] {PIPE, BASE});
        s.append(text(W / 2.0, H - 12, String.format(Locale.ROOT,
                "throughput ratio pipeline/baseline %.2f · p99 ratio %.2f · solid: 1st pair, dashed: 2nd pair, ...",
                pipeline.articlesPerSec() / baseline.articlesPerSec(), pipeline.p99() / baseline.p99()), "middle", 11, "normal"));
        s.append("</svg>\n");
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, s.toString(), StandardCharsets.UTF_8);
    }

    /** (t, articles/s) from (t, published, processed) samples, over a trailing 1 s window. */
    static double[][] rateSeries(List<double[]> tl) {
        double[][] out = new double[tl.size()][];
        int from = 0;
        for (int k = 0; k < tl.size(); k++) {
            double t = tl.get(k)[0];
            while (from < k && tl.get(from)[0] < t - 1.0) {
                from++;
            }
            double dt = from < k ? t - tl.get(from)[0] : t;
            double dn = from < k ? tl.get(k)[2] - tl.get(from)[2] : tl.get(k)[2];
            out[k] = new double[] {t, dt > 0 ? dn / dt : 0};
        }
        return out;
    }

    private static void axes(StringBuilder s, int x, int y, int w, int h, double x0, double x1, double y0, double y1,
                             String xLabel, String yLabel, boolean logX) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" stroke=\"#888\"/>%n",
                x, y, w, h));
        for (int k = 0; k <= 5; k++) {
            double v = y0 + (y1 - y0) * k / 5;
            double py = y + h - h * k / 5.0;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#eee\"/>%n", x, py, x + w, py));
            s.append(text(x - 6, py + 4, fmt(v), "end", 11, "normal"));
        }
        if (logX) {
            for (double v = x0; v <= x1 * 1.0001; v *= 10) {
                double px = x + (Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0)) * w;
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", px, y, px, y + h));
                s.append(text(px, y + h + 16, fmt(v), "middle", 11, "normal"));
            }
        } else {
            for (int k = 0; k <= 8; k++) {
                double v = x0 + (x1 - x0) * k / 8;
                double px = x + w * k / 8.0;
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>%n", px, y, px, y + h));
                s.append(text(px, y + h + 16, fmt(v), "middle", 11, "normal"));
            }
        }
        s.append(text(x + w / 2.0, y + h + 34, xLabel, "middle", 11, "normal"));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\" "
                + "transform=\"rotate(-90 %d %.1f)\">%s</text>%n", x - 55, y + h / 2.0, x - 55, y + h / 2.0, esc(yLabel)));
    }

    private static void legend(StringBuilder s, int x, int y, String[] labels, String[] colors) {
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"290\" height=\"%d\" fill=\"white\" "
                + "fill-opacity=\"0.85\" stroke=\"#ccc\"/>%n", x, y, 10 + 18 * labels.length));
        for (int k = 0; k < labels.length; k++) {
            int ly = y + 18 + 18 * k;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"3\"/>%n",
                    x + 8, ly - 4, x + 30, ly - 4, colors[k]));
            s.append(text(x + 36, ly, labels[k], "start", 11, "normal"));
        }
    }

    private static String text(double x, double y, String t, String anchor, int size, String weight) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\" font-weight=\"%s\">%s</text>%n",
                x, y, anchor, size, weight, esc(t));
    }

    private static String fmt(double v) {
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%d", (long) v);
        }
        return String.format(Locale.ROOT, v < 1 ? "%.2f" : "%.1f", v);
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String esc(String t) {
        return t.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
