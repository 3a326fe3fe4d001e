package io.newsflow.classify;

import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The learned decision layer: per theme, a logistic regression over the interpretable features the rules compute
 * ({@link ThemeClassifier#FEATURES}). It decides whether a theme is assigned; the rules still find the evidence and
 * name the matched terms. Themes the model does not name are decided by their rules threshold, so a fifth theme
 * added to the rules file alone still works. Weights apply to raw feature values (standardisation is folded in
 * at training time by {@link ThemeModelTrainer}).
 */
final class ThemeModel {

    /**
     * The rules score below which the model's probability is capped at the rules score (min(p, ruleScore)), and
     * thresholds are never below 0.3, so below it the model cannot assign a theme:
     * the model reweighs evidence the rules found, it does not invent a theme from one weak mention in an input far
     * shorter than anything it was trained on (a one-sentence "ban on plastic bags").
     */
    static final double MIN_RULE_SCORE = 0.25;

    /**
     * One theme's logistic regression: p = sigmoid(bias + Σ w·x); assigned when p ≥ threshold. The optional text
     * weights (one per hashed bucket, {@link ThemeClassifier#TEXT_DIM}, plus a bias) define the {@code textScore}
     * feature: a hashed word/bigram logistic regression trained separately and stacked (see {@link ThemeModelTrainer}).
     */
    record ThemeWeights(double bias, double[] weights, double threshold, Map<String, Double> termWeights,
                        double textBias, double[] textWeights) {
        ThemeWeights(double bias, double[] weights, double threshold, Map<String, Double> termWeights) {
            this(bias, weights, threshold, termWeights, 0.0, null);
        }

        /** x: the base features, then one log1p(evidence) per rules term; termW: those terms' weights, or null. */
        double probability(double[] x, double[] termW) {
            double z = bias;
            for (int i = 0; i < weights.length; i++) {
                z += weights[i] * x[i];
            }
            if (termW != null) {
                for (int k = 0; k < termW.length && weights.length + k < x.length; k++) {
                    z += termW[k] * x[weights.length + k];
                }
            }
            double p = 1.0 / (1.0 + Math.exp(-z));
            double ruleScore = x[0];
            return ruleScore >= MIN_RULE_SCORE ? p : Math.min(p, ruleScore);
        }
    }

    final String version;
    final String rulesVersion;
    final Map<String, ThemeWeights> themes;

    ThemeModel(String version, String rulesVersion, Map<String, ThemeWeights> themes) {
        this.version = version;
        this.rulesVersion = rulesVersion;
        this.themes = Map.copyOf(themes);
    }

    ThemeWeights get(String theme) {
        return themes.get(theme);
    }

    /** Parses a model file; problems are a {@link ThemeRulesException} naming the source and key path. */
    static ThemeModel parse(String json, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ThemeRulesException(source + ": invalid model JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ThemeRulesException(source + ": the model file must be a JSON object");
        }
        String version = text(root, "version", source);
        String rulesVersion = text(root, "rulesVersion", source);
        JsonNode bits = root.get("textBits");
        if (bits != null && (!bits.canConvertToInt() || bits.asInt() != ThemeClassifier.TEXT_BITS)) {
            throw new ThemeRulesException(source + ": textBits: " + bits + " does not match this classifier's "
                    + ThemeClassifier.TEXT_BITS + " (retrain the model)");
        }
        JsonNode feats = root.get("features");
        if (feats == null || !feats.isArray()) {
            throw new ThemeRulesException(source + ": features: missing (array of feature names)");
        }
        List<String> known = ThemeClassifier.FEATURES;
        int[] index = new int[feats.size()];
        for (int i = 0; i < feats.size(); i++) {
            index[i] = known.indexOf(feats.get(i).asText());
            if (index[i] < 0) {
                throw new ThemeRulesException(source + ": features[" + i + "]: unknown feature \"" + feats.get(i).asText()
                        + "\" (known: " + String.join(", ", known) + ")");
            }
        }
        JsonNode th = root.get("themes");
        if (th == null || !th.isObject()) {
            throw new ThemeRulesException(source + ": themes: missing (object of theme -> weights)");
        }
        Map<String, ThemeWeights> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = th.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String p = "themes." + e.getKey();
            JsonNode t = e.getValue();
            double bias = number(t, "bias", source, p);
            double threshold = number(t, "threshold", source, p);
            if (!(threshold > 0 && threshold < 1)) {
                throw new ThemeRulesException(source + ": " + p + ".threshold: must be in (0, 1)");
            }
            JsonNode w = t.get("weights");
            if (w == null || !w.isArray() || w.size() != feats.size()) {
                throw new ThemeRulesException(source + ": " + p + ".weights: must be an array of " + feats.size() + " numbers");
            }
            double[] weights = new double[known.size()];
            for (int i = 0; i < w.size(); i++) {
                if (!w.get(i).isNumber()) {
                    throw new ThemeRulesException(source + ": " + p + ".weights[" + i + "]: must be a number");
                }
                weights[index[i]] = w.get(i).doubleValue();
            }
            Map<String, Double> termWeights = new LinkedHashMap<>();
            JsonNode tw = t.get("termWeights");
            if (tw != null) {
                if (!tw.isObject()) {
                    throw new ThemeRulesException(source + ": " + p + ".termWeights: must be an object of term -> weight");
                }
                for (Iterator<Map.Entry<String, JsonNode>> i2 = tw.fields(); i2.hasNext(); ) {
                    Map.Entry<String, JsonNode> te = i2.next();
                    if (!te.getValue().isNumber()) {
                        throw new ThemeRulesException(source + ": " + p + ".termWeights." + te.getKey() + ": must be a number");
                    }
                    termWeights.put(te.getKey(), te.getValue().doubleValue());
                }
            }
            double textBias = 0;
            double[] tws = null;
            JsonNode text = t.get("text");
            if (text != null) {
                String tp = p + ".text";
                if (!text.isObject()) {
                    throw new ThemeRulesException(source + ": " + tp + ": must be an object {bias, weights}");
                }
                textBias = number(text, "bias", source, tp);
                JsonNode ws = text.get("weights");
                if (ws == null || !ws.isArray() || ws.size() != ThemeClassifier.TEXT_DIM) {
                    throw new ThemeRulesException(source + ": " + tp + ".weights: must be an array of "
                            + ThemeClassifier.TEXT_DIM + " numbers (one per hashed bucket)");
                }
                tws = new double[ws.size()];
                for (int i = 0; i < tws.length; i++) {
                    if (!ws.get(i).isNumber()) {
                        throw new ThemeRulesException(source + ": " + tp + ".weights[" + i + "]: must be a number");
                    }
                    tws[i] = ws.get(i).doubleValue();
                }
            }
            out.put(e.getKey(), new ThemeWeights(bias, weights, threshold, Map.copyOf(termWeights), textBias, tws));
        }
        return new ThemeModel(version, rulesVersion, out);
    }

    /** Writes the model as JSON, one theme per block, weights in {@link ThemeClassifier#FEATURES} order. */
    String toJson(String description) {
        ObjectMapper m = new ObjectMapper();
        ObjectNode root = m.createObjectNode();
        root.put("version", version);
        root.put("rulesVersion", rulesVersion);
        root.put("description", description);
        root.put("textBits", ThemeClassifier.TEXT_BITS);
        ArrayNode f = root.putArray("features");
        ThemeClassifier.FEATURES.forEach(f::add);
        ObjectNode th = root.putObject("themes");
        for (Map.Entry<String, ThemeWeights> e : new java.util.TreeMap<>(themes).entrySet()) {
            ObjectNode t = th.putObject(e.getKey());
            t.put("threshold", round(e.getValue().threshold()));
            t.put("bias", round(e.getValue().bias()));
            ArrayNode w = t.putArray("weights");
            for (double d : e.getValue().weights()) {
                w.add(round(d));
            }
            if (e.getValue().textWeights() != null) {
                ObjectNode tx = t.putObject("text");
                tx.put("bias", round(e.getValue().textBias()));
                ArrayNode ws = tx.putArray("weights");
                for (double v : e.getValue().textWeights()) {
                    ws.add(Math.round(v * 1e4) / 1e4);
                }
            }
            if (!e.getValue().termWeights().isEmpty()) {
                ObjectNode tw = t.putObject("termWeights");
                e.getValue().termWeights().forEach((k, v) -> {
                    if (Math.abs(v) >= 0.005) {
                        tw.put(k, round(v));
                    }
                });
            }
        }
        try {
            // arrays on one line: the text weights are thousands of numbers
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter()
                    .withArrayIndenter(DefaultPrettyPrinter.FixedSpaceIndenter.instance);
            return m.writer(pp).writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 1e5) / 1e5;
    }

    private static String text(JsonNode n, String key, String source) {
        JsonNode v = n.get(key);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ThemeRulesException(source + ": " + key + ": missing (required string)");
        }
        return v.asText();
    }

    private static double number(JsonNode n, String key, String source, String path) {
        JsonNode v = n == null ? null : n.get(key);
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new ThemeRulesException(source + ": " + path + "." + key + ": missing (required number)");
        }
        return v.doubleValue();
    }
}
