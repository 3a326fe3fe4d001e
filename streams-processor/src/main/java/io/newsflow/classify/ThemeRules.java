package io.newsflow.classify;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The parsed, validated contents of a themes rules file (see {@code themes.json} and docs/CLASSIFIER.md).
 * Immutable once built. Every problem is reported as a {@link ThemeRulesException} naming the JSON line or key path.
 */
final class ThemeRules {

    /** Position and normalisation settings (the "scoring" object). */
    record Scoring(double titleWeight, double leadWeight, double bodyWeight, double tailWeight,
                   int leadTokens, int lengthNormTokens, double saturation, double paragraphMinEvidence,
                   int mentionGap, double clusterRest, double tailCap, double strongMention, int minMentions, int minSpread, double lengthExponent, double bodyOnlyMargin) {
    }

    enum Direction { BEFORE, AFTER, BOTH }

    /** Multiplies a matched term's weight by {@code factor} when one of {@code words} is within the window. */
    record ContextRule(String name, Set<String> words, int window, Direction direction, boolean whenAbsent,
                       double factor, Set<String> terms, boolean capitalisedBefore, Set<String> except) {
        boolean appliesTo(String termLabel) {
            return terms == null || terms.contains(termLabel);
        }
    }

    /** One matchable form (a term with inflections expands into several). */
    record Form(String[] tokens, boolean caseSensitive, boolean colonAfter) {
    }

    /** A term of a theme: label as written in the file, its weight, and the forms that match it. */
    record Term(String label, double weight, boolean negative, boolean caseSensitive, List<Form> forms) {
    }

    record Theme(String code, String description, double threshold, double paragraphMinEvidence, int minMentions,
                 List<Term> terms, List<ContextRule> context, Map<String, Double> suppressedBy) {
    }

    /** A layout marker: tail start, a teaser lead-in (discount the next {@code tokens} tokens), or an ignored phrase. */
    record Marker(String label, Form form, int tokens) {
    }

    final String version;
    /** Optional "model" key: a learned decision layer (see ThemeModel) to load with these rules, or null. */
    final String model;
    final Scoring scoring;
    final List<Marker> tailMarkers;
    final List<Marker> teaserMarkers;
    final List<Marker> ignore;
    /** layout.marketWords: single words that mark a price or market piece (a feature for the learned layer). */
    final List<Marker> marketWords;
    final List<Theme> themes;

    private ThemeRules(String version, String model, Scoring scoring, List<Marker> tailMarkers, List<Marker> teaserMarkers,
                       List<Marker> ignore, List<Marker> marketWords, List<Theme> themes) {
        this.marketWords = marketWords;
        this.version = version;
        this.model = model;
        this.scoring = scoring;
        this.tailMarkers = tailMarkers;
        this.teaserMarkers = teaserMarkers;
        this.ignore = ignore;
        this.themes = themes;
    }

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_JAVA_COMMENTS)
            .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .build();

    private static final Set<String> TOP_KEYS = Set.of("version", "description", "model", "scoring", "layout", "themes");
    private static final Set<String> SCORING_KEYS = Set.of("titleWeight", "leadWeight", "bodyWeight", "tailWeight",
            "leadTokens", "lengthNormTokens", "saturation", "paragraphMinEvidence", "mentionGap", "clusterRest", "tailCap", "strongMention", "minMentions", "minSpread", "lengthExponent", "bodyOnlyMargin");
    private static final Set<String> LAYOUT_KEYS = Set.of("tailMarkers", "teaserMarkers", "ignore", "marketWords");
    private static final Set<String> THEME_KEYS = Set.of("description", "threshold", "paragraphMinEvidence", "minMentions",
            "terms", "acronyms", "negative", "context", "suppressedBy");
    private static final Set<String> CONTEXT_KEYS = Set.of("name", "words", "window", "direction", "when", "factor", "terms",
            "capitalisedBefore", "except");
    private static final double MAX_WEIGHT = 100.0;

    /** Parses and validates {@code json}; {@code source} names the file in messages. */
    static ThemeRules parse(String json, String source) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            JsonLocation loc = e.getLocation();
            String where = loc == null ? source : source + ":" + loc.getLineNr() + ":" + loc.getColumnNr();
            throw new ThemeRulesException(where + ": invalid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ThemeRulesException(source + ": the rules file must be a JSON object");
        }
        Map<String, Integer> lines = keyLines(json);
        return new Builder(source, lines).build(root);
    }

    /** Line of each key path, from a streaming pass (the tree model keeps no locations). */
    private static Map<String, Integer> keyLines(String json) {
        Map<String, Integer> out = new HashMap<>();
        try (JsonParser p = MAPPER.getFactory().createParser(json)) {
            walk(p, p.nextToken(), "", out);
        } catch (IOException e) {
            // already parsed once; cannot happen
        }
        return out;
    }

    private static void walk(JsonParser p, JsonToken t, String path, Map<String, Integer> out) throws IOException {
        if (t == JsonToken.START_OBJECT) {
            while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                String child = path.isEmpty() ? p.currentName() : path + "." + quoteKey(p.currentName());
                out.put(child, p.currentTokenLocation().getLineNr());
                walk(p, p.nextToken(), child, out);
            }
        } else if (t == JsonToken.START_ARRAY) {
            int i = 0;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                String child = path + "[" + i++ + "]";
                out.put(child, p.currentTokenLocation().getLineNr());
                walk(p, t, child, out);
            }
        }
    }

    static String quoteKey(String key) {
        return key.matches("[A-Za-z_][A-Za-z0-9_]*") ? key : "\"" + key + "\"";
    }

    private static final class Builder {
        private final String source;
        private final Map<String, Integer> lines;

        Builder(String source, Map<String, Integer> lines) {
            this.source = source;
            this.lines = lines;
        }

        ThemeRulesException fail(String path, String problem) {
            Integer line = lines.get(path);
            if (line == null) {
                // a missing key: point at its parent object
                int cut = Math.max(path.lastIndexOf('.'), path.lastIndexOf('['));
                String parent = cut > 0 ? path.substring(0, cut) : "";
                line = lines.get(parent);
            }
            String where = source + (line == null ? "" : ":" + line);
            return new ThemeRulesException(where + ": " + path + ": " + problem);
        }

        void checkKeys(JsonNode obj, String path, Set<String> allowed) {
            Iterator<String> names = obj.fieldNames();
            while (names.hasNext()) {
                String n = names.next();
                if (!allowed.contains(n)) {
                    String p = path.isEmpty() ? n : path + "." + quoteKey(n);
                    throw fail(p, "unknown key \"" + n + "\" (allowed: " + String.join(", ", new java.util.TreeSet<>(allowed)) + ")");
                }
            }
        }

        JsonNode object(JsonNode parent, String key, String path, boolean required) {
            JsonNode n = parent.get(key);
            if (n == null || n.isNull()) {
                if (required) {
                    throw fail(path, "missing (required object)");
                }
                return null;
            }
            if (!n.isObject()) {
                throw fail(path, "must be a JSON object");
            }
            return n;
        }

        double number(JsonNode parent, String key, String path, Double dflt, double min, double max) {
            JsonNode n = parent.get(key);
            if (n == null || n.isNull()) {
                if (dflt == null) {
                    throw fail(path, "missing (required number)");
                }
                return dflt;
            }
            if (!n.isNumber()) {
                throw fail(path, "must be a number, got " + n.getNodeType().toString().toLowerCase(Locale.ROOT) + " " + n);
            }
            double v = n.doubleValue();
            if (!Double.isFinite(v) || v < min || v > max) {
                throw fail(path, "must be between " + min + " and " + max + ", got " + n);
            }
            return v;
        }

        String string(JsonNode parent, String key, String path, boolean required) {
            JsonNode n = parent.get(key);
            if (n == null || n.isNull()) {
                if (required) {
                    throw fail(path, "missing (required string)");
                }
                return null;
            }
            if (!n.isTextual() || n.asText().isBlank()) {
                throw fail(path, "must be a non-empty string");
            }
            return n.asText();
        }

        List<String> strings(JsonNode n, String path) {
            if (!n.isArray()) {
                throw fail(path, "must be an array of strings");
            }
            List<String> out = new ArrayList<>();
            for (int i = 0; i < n.size(); i++) {
                JsonNode e = n.get(i);
                if (!e.isTextual() || e.asText().isBlank()) {
                    throw fail(path + "[" + i + "]", "must be a non-empty string");
                }
                out.add(e.asText());
            }
            return out;
        }

        ThemeRules build(JsonNode root) {
            checkKeys(root, "", TOP_KEYS);
            String version = string(root, "version", "version", true);
            String model = string(root, "model", "model", false);

            JsonNode s = object(root, "scoring", "scoring", false);
            if (s == null) {
                s = MAPPER.createObjectNode();
            }
            checkKeys(s, "scoring", SCORING_KEYS);
            Scoring scoring = new Scoring(
                    number(s, "titleWeight", "scoring.titleWeight", 3.0, 0, MAX_WEIGHT),
                    number(s, "leadWeight", "scoring.leadWeight", 1.5, 0, MAX_WEIGHT),
                    number(s, "bodyWeight", "scoring.bodyWeight", 1.0, 0, MAX_WEIGHT),
                    number(s, "tailWeight", "scoring.tailWeight", 0.25, 0, MAX_WEIGHT),
                    (int) number(s, "leadTokens", "scoring.leadTokens", 80.0, 0, 100_000),
                    (int) number(s, "lengthNormTokens", "scoring.lengthNormTokens", 600.0, 1, 1_000_000),
                    number(s, "saturation", "scoring.saturation", 6.0, 0.001, 10_000),
                    number(s, "paragraphMinEvidence", "scoring.paragraphMinEvidence", 3.0, 0, 10_000),
                    (int) number(s, "mentionGap", "scoring.mentionGap", 6.0, 0, 1000),
                    number(s, "clusterRest", "scoring.clusterRest", 0.25, 0, 1),
                    number(s, "tailCap", "scoring.tailCap", 1.5, 0, 10_000),
                    number(s, "strongMention", "scoring.strongMention", 1.0, 0, 10_000),
                    (int) number(s, "minMentions", "scoring.minMentions", 2.0, 0, 100),
                    (int) number(s, "minSpread", "scoring.minSpread", 0.0, 0, 100_000),
                    number(s, "lengthExponent", "scoring.lengthExponent", 0.5, 0, 2),
                    number(s, "bodyOnlyMargin", "scoring.bodyOnlyMargin", 0.0, 0, 1));

            List<Marker> tail = List.of();
            List<Marker> teaser = List.of();
            List<Marker> ignore = List.of();
            List<Marker> market = List.of();
            JsonNode layout = object(root, "layout", "layout", false);
            if (layout != null) {
                checkKeys(layout, "layout", LAYOUT_KEYS);
                if (layout.has("tailMarkers")) {
                    tail = markers(strings(layout.get("tailMarkers"), "layout.tailMarkers"), "layout.tailMarkers", true, 0);
                }
                if (layout.has("ignore")) {
                    ignore = markers(strings(layout.get("ignore"), "layout.ignore"), "layout.ignore", false, 0);
                }
                if (layout.has("marketWords")) {
                    market = markers(strings(layout.get("marketWords"), "layout.marketWords"), "layout.marketWords", false, 0);
                    for (int i = 0; i < market.size(); i++) {
                        if (market.get(i).form().tokens().length != 1) {
                            throw fail("layout.marketWords[" + i + "]", "must be a single word");
                        }
                    }
                }
                JsonNode t = layout.get("teaserMarkers");
                if (t != null) {
                    if (!t.isObject()) {
                        throw fail("layout.teaserMarkers", "must be an object of marker -> number of tokens to discount");
                    }
                    List<Marker> list = new ArrayList<>();
                    for (Iterator<Map.Entry<String, JsonNode>> it = t.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        String p = "layout.teaserMarkers." + quoteKey(e.getKey());
                        int n = (int) number(t, e.getKey(), p, null, 1, 10_000);
                        list.add(marker(e.getKey(), p, true, n));
                    }
                    teaser = list;
                }
            }

            JsonNode th = object(root, "themes", "themes", true);
            if (th.isEmpty()) {
                throw fail("themes", "must define at least one theme");
            }
            Set<String> codes = new LinkedHashSet<>();
            th.fieldNames().forEachRemaining(codes::add);
            List<Theme> themes = new ArrayList<>();
            for (String code : codes) {
                String p = "themes." + quoteKey(code);
                if (!code.matches("[A-Z][A-Z0-9_]*")) {
                    throw fail(p, "theme code must be UPPER_SNAKE_CASE");
                }
                if (code.equals("NONE")) {
                    throw fail(p, "NONE is reserved for labels meaning 'no theme'");
                }
                themes.add(theme(code, object(th, code, p, true), p, codes, scoring));
            }
            return new ThemeRules(version, model, scoring, tail, teaser, ignore, market, List.copyOf(themes));
        }

        private List<Marker> markers(List<String> phrases, String path, boolean caseSensitive, int tokens) {
            List<Marker> out = new ArrayList<>();
            for (int i = 0; i < phrases.size(); i++) {
                out.add(marker(phrases.get(i), path + "[" + i + "]", caseSensitive, tokens));
            }
            return out;
        }

        private Marker marker(String phrase, String path, boolean caseSensitive, int tokens) {
            boolean colon = phrase.strip().endsWith(":");
            String[] toks = Tokens.split(phrase, caseSensitive);
            if (toks.length == 0) {
                throw fail(path, "has no words");
            }
            return new Marker(phrase, new Form(toks, caseSensitive, colon), tokens);
        }

        private Theme theme(String code, JsonNode t, String p, Set<String> codes, Scoring scoring) {
            checkKeys(t, p, THEME_KEYS);
            String description = string(t, "description", p + ".description", false);
            double threshold = number(t, "threshold", p + ".threshold", null, 0.0, 1.0);
            if (threshold <= 0) {
                throw fail(p + ".threshold", "must be greater than 0 (a score in [0, 1))");
            }
            double pMin = number(t, "paragraphMinEvidence", p + ".paragraphMinEvidence", scoring.paragraphMinEvidence(), 0, 10_000);
            int minMentions = (int) number(t, "minMentions", p + ".minMentions", (double) scoring.minMentions(), 0, 100);
            List<Term> terms = new ArrayList<>();
            JsonNode plain = object(t, "terms", p + ".terms", false);
            JsonNode acr = object(t, "acronyms", p + ".acronyms", false);
            if ((plain == null || plain.isEmpty()) && (acr == null || acr.isEmpty())) {
                throw fail(p + ".terms", "a theme needs at least one term or acronym with a positive weight");
            }
            Set<String> labels = new HashSet<>();
            if (plain != null) {
                terms(plain, p + ".terms", false, false, terms, labels);
            }
            if (acr != null) {
                terms(acr, p + ".acronyms", true, false, terms, labels);
            }
            JsonNode neg = object(t, "negative", p + ".negative", false);
            if (neg != null) {
                terms(neg, p + ".negative", false, true, terms, labels);
            }
            List<ContextRule> context = new ArrayList<>();
            JsonNode ctx = t.get("context");
            if (ctx != null) {
                if (!ctx.isArray()) {
                    throw fail(p + ".context", "must be an array of context rules");
                }
                for (int i = 0; i < ctx.size(); i++) {
                    context.add(context(ctx.get(i), p + ".context[" + i + "]", labels));
                }
            }
            Map<String, Double> suppressedBy = new LinkedHashMap<>();
            JsonNode sup = object(t, "suppressedBy", p + ".suppressedBy", false);
            if (sup != null) {
                for (Iterator<String> it = sup.fieldNames(); it.hasNext(); ) {
                    String other = it.next();
                    String sp = p + ".suppressedBy." + quoteKey(other);
                    if (!codes.contains(other)) {
                        throw fail(sp, "unknown theme code \"" + other + "\" (themes: " + String.join(", ", codes) + ")");
                    }
                    if (other.equals(code)) {
                        throw fail(sp, "a theme cannot suppress itself");
                    }
                    suppressedBy.put(other, number(sup, other, sp, null, 0.0, MAX_WEIGHT));
                }
            }
            return new Theme(code, description, threshold, pMin, minMentions, List.copyOf(terms), List.copyOf(context),
                    Map.copyOf(suppressedBy));
        }

        private void terms(JsonNode obj, String path, boolean caseSensitive, boolean negative, List<Term> out,
                           Set<String> labels) {
            for (Iterator<Map.Entry<String, JsonNode>> it = obj.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String label = e.getKey();
                String p = path + "." + quoteKey(label);
                JsonNode w = e.getValue();
                if (!w.isNumber()) {
                    throw fail(p, "weight must be a number, got " + w);
                }
                double weight = w.doubleValue();
                if (!Double.isFinite(weight) || weight <= 0 || weight > MAX_WEIGHT) {
                    throw fail(p, "weight must be greater than 0 and at most " + MAX_WEIGHT + ", got " + w
                            + (negative ? " (negative terms are listed with a positive weight that is subtracted)" : ""));
                }
                boolean exact = label.startsWith("=");
                String phrase = exact ? label.substring(1) : label;
                if (!caseSensitive && !phrase.equals(phrase.toLowerCase(Locale.ROOT))) {
                    throw fail(p, "terms are matched ignoring case and must be written in lower case; put case-sensitive words under \"acronyms\"");
                }
                String[] toks = Tokens.split(phrase, true);
                if (toks.length == 0) {
                    throw fail(p, "has no words");
                }
                if (!labels.add(label)) {
                    throw fail(p, "listed twice in this theme");
                }
                List<Form> forms = new ArrayList<>();
                for (String last : exact ? List.of(toks[toks.length - 1]) : Tokens.inflections(toks[toks.length - 1], caseSensitive)) {
                    String[] f = toks.clone();
                    f[f.length - 1] = last;
                    forms.add(new Form(f, caseSensitive, false));
                }
                out.add(new Term(label, weight, negative, caseSensitive, List.copyOf(forms)));
            }
        }

        private ContextRule context(JsonNode c, String p, Set<String> labels) {
            if (!c.isObject()) {
                throw fail(p, "must be an object");
            }
            checkKeys(c, p, CONTEXT_KEYS);
            String name = string(c, "name", p + ".name", false);
            JsonNode cap = c.get("capitalisedBefore");
            if (cap != null && !cap.isBoolean()) {
                throw fail(p + ".capitalisedBefore", "must be true or false");
            }
            boolean capitalised = cap != null && cap.asBoolean();
            Set<String> except = new HashSet<>();
            if (c.has("except")) {
                for (String s : strings(c.get("except"), p + ".except")) {
                    except.add(s.toLowerCase(Locale.ROOT));
                }
            }
            JsonNode w = c.get("words");
            if (w == null && !capitalised) {
                throw fail(p + ".words", "missing (required array of words unless capitalisedBefore is true)");
            }
            Set<String> words = new HashSet<>();
            for (String s : w == null ? List.<String>of() : strings(w, p + ".words")) {
                String[] toks = Tokens.split(s, false);
                if (toks.length != 1) {
                    throw fail(p + ".words", "context words must be single words, got \"" + s + "\"");
                }
                words.add(toks[0]);
            }
            if (words.isEmpty() && !capitalised) {
                throw fail(p + ".words", "must not be empty");
            }
            int window = (int) number(c, "window", p + ".window", 3.0, 1, 50);
            String d = string(c, "direction", p + ".direction", false);
            Direction dir;
            try {
                dir = d == null ? Direction.BEFORE : Direction.valueOf(d.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw fail(p + ".direction", "must be before, after or both, got \"" + d + "\"");
            }
            String when = string(c, "when", p + ".when", false);
            if (when != null && !when.equals("present") && !when.equals("absent")) {
                throw fail(p + ".when", "must be present or absent, got \"" + when + "\"");
            }
            double factor = number(c, "factor", p + ".factor", null, 0, MAX_WEIGHT);
            Set<String> terms = null;
            JsonNode t = c.get("terms");
            if (t != null) {
                terms = new HashSet<>();
                for (String s : strings(t, p + ".terms")) {
                    if (!labels.contains(s)) {
                        throw fail(p + ".terms", "refers to \"" + s + "\", which is not a term of this theme");
                    }
                    terms.add(s);
                }
            }
            return new ContextRule(name == null ? p : name, Set.copyOf(words), window, dir, "absent".equals(when), factor,
                    terms == null ? null : Set.copyOf(terms), capitalised, Set.copyOf(except));
        }
    }
}
