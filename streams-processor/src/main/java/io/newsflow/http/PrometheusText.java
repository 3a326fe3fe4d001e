package io.newsflow.http;

import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds a Prometheus text exposition (format 0.0.4): families with one HELP and TYPE line each, their samples
 * together.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private record Family(String type, String help, List<String> samples) {
    }

    private final Map<String, Family> families = new LinkedHashMap<>();

    /** Adds one sample; labels are name/value pairs. */
    PrometheusText sample(String name, String type, String help, double value, String... labels) {
        Family f = families.computeIfAbsent(name, n -> new Family(type, help, new ArrayList<>()));
        StringBuilder b = new StringBuilder(name);
        if (labels.length > 0) {
            b.append('{');
            for (int i = 0; i + 1 < labels.length; i += 2) {
                if (i > 0) {
                    b.append(',');
                }
                b.append(sanitize(labels[i])).append("=\"").append(escapeLabel(labels[i + 1])).append('"');
            }
            b.append('}');
        }
        f.samples().add(b.append(' ').append(format(value)).toString());
        return this;
    }

    /**
     * Adds every numeric Kafka metric of the groups whose name starts with {@code groupPrefix}, as
     * {@code kafka_streams_<group>_<name>} with the metric's tags as labels ({@code stream-thread-metrics} →
     * {@code thread}, {@code stream-metrics} → {@code client}).
     */
    PrometheusText kafkaMetrics(Collection<? extends Metric> metrics, String groupPrefix) {
        Map<String, List<Metric>> sorted = new TreeMap<>();
        for (Metric m : metrics) {
            MetricName n = m.metricName();
            if (!n.group().startsWith(groupPrefix) || !(m.metricValue() instanceof Number)) {
                continue;
            }
            String group = n.group().substring(groupPrefix.length()).replaceFirst("-?metrics$", "");
            group = group.isEmpty() ? "client" : group; // "stream-metrics" holds the client-level metrics
            String name = sanitize("kafka_streams_" + group + "_" + n.name());
            sorted.computeIfAbsent(name, k -> new ArrayList<>()).add(m);
        }
        sorted.forEach((name, list) -> {
            for (Metric m : list) {
                List<String> labels = new ArrayList<>();
                new TreeMap<>(m.metricName().tags()).forEach((k, v) -> {
                    labels.add(k);
                    labels.add(v);
                });
                String type = name.endsWith("_total") ? "counter" : "gauge";
                String help = m.metricName().description() == null || m.metricName().description().isBlank()
                        ? m.metricName().group() + " " + m.metricName().name() : m.metricName().description();
                sample(name, type, help, ((Number) m.metricValue()).doubleValue(), labels.toArray(String[]::new));
            }
        });
        return this;
    }

    String render() {
        StringBuilder b = new StringBuilder();
        families.forEach((name, f) -> {
            b.append("# HELP ").append(name).append(' ').append(escapeHelp(f.help())).append('\n');
            b.append("# TYPE ").append(name).append(' ').append(f.type()).append('\n');
            f.samples().forEach(s -> b.append(s).append('\n'));
        });
        return b.toString();
    }

    static String sanitize(String name) {
        String s = name.replaceAll("[^a-zA-Z0-9_]", "_");
        return Character.isDigit(s.charAt(0)) ? "_" + s : s;
    }

    private static String escapeLabel(String v) {
        return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }

    static String format(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }
}
