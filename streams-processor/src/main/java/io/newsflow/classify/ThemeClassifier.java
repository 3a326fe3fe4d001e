package io.newsflow.classify;

import io.newsflow.model.ThemeScore;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Rule-based multi-label theme classifier. Rules come from a versioned JSON file ({@code /themes.json} on the
 * classpath by default); see docs/CLASSIFIER.md for the scoring model.
 *
 * <p>Instances are immutable and thread-safe. All matching structures are built once in the constructor: a call
 * to {@link #classify} tokenises the text once and looks every word up in a hash table of phrase heads; no regular
 * expression is compiled or run per call.
 */
public final class ThemeClassifier {

    private static final int KIND_TERM = 0;
    private static final int KIND_TAIL = 1;
    private static final int KIND_TEASER = 2;
    private static final int KIND_IGNORE = 3;
    private static final int KIND_MARKET = 4;

    /** One phrase that can start at a word: what it belongs to and its words. */
    private record Candidate(int kind, int theme, int term, String[] words, boolean caseSensitive,
                             boolean colonAfter, int teaserTokens) {
    }

    /**
     * The features the rules compute for each theme, in the order a {@link ThemeModel} weighs them. Evidence sums
     * are after context rules, clustering and the tail cap, and are log1p-scaled.
     */
    static final List<String> FEATURES = List.of(
            "ruleScore",            // the rules' normalised score in [0, 1)
            "ruleAssigned",         // 1 when the rules alone assign the theme (threshold, minMentions, suppression)
            "titleEvidence",        // log1p(positive evidence in the title)
            "leadEvidence",         // log1p(positive evidence in the first leadTokens body words)
            "bodyEvidence",         // log1p(positive evidence in the rest of the body)
            "tailEvidence",         // log1p(positive evidence in related-posts tails and teasers)
            "negativeEvidence",     // log1p(weight of negative terms)
            "distinctTerms",        // log1p(number of distinct positive terms matched)
            "strongMentions",       // log1p(strong mentions outside the tail, a strong title mention counting one)
            "sentenceShare",        // share of body sentences (outside the tail) carrying positive evidence
            "discountedEvidence",   // log1p(evidence removed by discounting context rules: denials, lists, names)
            "discountedShare",      // share of positive occurrences that a discounting context rule hit
            "articleLength",        // log1p(article words / lengthNormTokens)
            "firstMention",         // where the first strong mention is: 0 title .. 1 end of article (1 if none)
            "otherThemeMax",        // the highest rules score among the other themes
            "evidenceDensity",      // log1p(positive evidence per 100 article words)
            "topSentenceShare",     // the strongest body sentence's share of the body evidence (1 = one sentence)
            "marketWords",          // log1p(layout.marketWords per 100 article words): a price or market piece
            "textScore");           // the model's hashed word/bigram score for the theme (0 without text weights)
    private static final int NF = 19;
    /** Index of {@code textScore} in {@link #FEATURES}. */
    static final int TEXT_SCORE = 18;
    /** Hashed text features: word unigrams and bigrams hashed into 2^TEXT_BITS buckets (see {@link #textBucket}). */
    static final int TEXT_BITS = 12;
    static final int TEXT_DIM = 1 << TEXT_BITS;

    private final ThemeRules rules;
    private final ThemeModel model;
    // per theme, the model's weight for each rules term (aligned with termsByTheme), or null
    private final double[][] boundTermWeights;
    // the model's text weights, interleaved per bucket: textWeights[bucket * nt + theme]; null without text weights
    private final float[] textWeights;
    private final double[] textBias;
    private final String[] codes;
    private final ThemeRules.Term[][] termsByTheme;
    // open-addressing table: lower-cased first word -> candidates, longest first
    private final String[] tableKeys;
    private final int[] tableHashes;
    private final Candidate[][] tableValues;
    private final boolean[] tablePairStart;
    private final int tableMask;

    private ThemeClassifier(ThemeRules rules, ThemeModel model) {
        this.rules = rules;
        this.model = model;
        int nt = rules.themes.size();
        this.codes = new String[nt];
        this.termsByTheme = new ThemeRules.Term[nt][];
        Map<String, List<Candidate>> heads = new HashMap<>();
        for (int t = 0; t < nt; t++) {
            ThemeRules.Theme theme = rules.themes.get(t);
            codes[t] = theme.code();
            termsByTheme[t] = theme.terms().toArray(new ThemeRules.Term[0]);
            for (int k = 0; k < termsByTheme[t].length; k++) {
                for (ThemeRules.Form f : termsByTheme[t][k].forms()) {
                    add(heads, new Candidate(KIND_TERM, t, k, f.tokens(), f.caseSensitive(), false, 0));
                }
            }
        }
        for (ThemeRules.Marker m : rules.tailMarkers) {
            add(heads, marker(KIND_TAIL, m));
        }
        for (ThemeRules.Marker m : rules.teaserMarkers) {
            add(heads, marker(KIND_TEASER, m));
        }
        for (ThemeRules.Marker m : rules.ignore) {
            add(heads, marker(KIND_IGNORE, m));
        }
        for (ThemeRules.Marker m : rules.marketWords) {
            add(heads, marker(KIND_MARKET, m));
        }
        // every first word of a longer phrase gets an entry of its own (possibly empty) flagged "starts a pair",
        // so the second word is hashed only after a word that can start a phrase
        java.util.Set<String> pairStarts = new java.util.HashSet<>();
        for (String k : heads.keySet()) {
            int sp = k.indexOf(' ');
            if (sp > 0) {
                pairStarts.add(k.substring(0, sp));
            }
        }
        for (String w : pairStarts) {
            heads.computeIfAbsent(w, k -> new ArrayList<>());
        }
        int cap = Integer.highestOneBit(Math.max(16, heads.size() * 3)) << 1;
        tableKeys = new String[cap];
        tableHashes = new int[cap];
        tableValues = new Candidate[cap][];
        tablePairStart = new boolean[cap];
        boundTermWeights = new double[nt][];
        for (int t = 0; t < nt && model != null; t++) {
            ThemeModel.ThemeWeights w = model.get(codes[t]);
            if (w != null && !w.termWeights().isEmpty()) {
                boundTermWeights[t] = new double[termsByTheme[t].length];
                for (int k = 0; k < termsByTheme[t].length; k++) {
                    boundTermWeights[t][k] = w.termWeights().getOrDefault(termsByTheme[t][k].label(), 0.0);
                }
            }
        }
        float[] tw = null;
        textBias = new double[nt];
        for (int t = 0; t < nt && model != null; t++) {
            ThemeModel.ThemeWeights w = model.get(codes[t]);
            if (w != null && w.textWeights() != null) {
                if (tw == null) {
                    tw = new float[TEXT_DIM * nt];
                }
                textBias[t] = w.textBias();
                for (int b = 0; b < TEXT_DIM; b++) {
                    tw[b * nt + t] = (float) w.textWeights()[b];
                }
            }
        }
        textWeights = tw;
        tableMask = cap - 1;
        for (Map.Entry<String, List<Candidate>> e : heads.entrySet()) {
            List<Candidate> list = new ArrayList<>(e.getValue());
            list.sort(Comparator.comparingInt((Candidate c) -> -c.words().length));
            int h = e.getKey().hashCode();
            int slot = mix(h) & tableMask;
            while (tableKeys[slot] != null) {
                slot = (slot + 1) & tableMask;
            }
            tableKeys[slot] = e.getKey();
            tableHashes[slot] = h;
            tableValues[slot] = list.toArray(new Candidate[0]);
            tablePairStart[slot] = pairStarts.contains(e.getKey());
        }
    }

    private static Candidate marker(int kind, ThemeRules.Marker m) {
        return new Candidate(kind, -1, -1, m.form().tokens(), m.form().caseSensitive(), m.form().colonAfter(), m.tokens());
    }

    /** Single-word candidates are keyed by their word, longer ones by their first two words ("w1 w2"). */
    private static void add(Map<String, List<Candidate>> heads, Candidate c) {
        String key = c.words()[0].toLowerCase(java.util.Locale.ROOT);
        if (c.words().length > 1) {
            key = key + " " + c.words()[1].toLowerCase(java.util.Locale.ROOT);
        }
        heads.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
    }

    private static int mix(int h) {
        return h ^ (h >>> 16) ^ (h >>> 7);
    }

    /** The classifier with the rules shipped on the classpath ({@code /themes.json}). */
    public static ThemeClassifier defaults() {
        ThemeRules rules = classpathRules();
        return new ThemeClassifier(rules, rules.model == null ? null : classpathModel(rules.model, "classpath:/themes.json"));
    }

    /** The shipped rules without their learned layer (training, and comparing rules with the model). */
    static ThemeClassifier defaultRulesOnly() {
        return new ThemeClassifier(classpathRules(), null);
    }

    private static ThemeRules classpathRules() {
        try (InputStream in = ThemeClassifier.class.getResourceAsStream("/themes.json")) {
            if (in == null) {
                throw new ThemeRulesException("classpath:/themes.json: not found");
            }
            return ThemeRules.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:/themes.json");
        } catch (IOException e) {
            throw new ThemeRulesException("classpath:/themes.json: cannot read: " + e.getMessage(), e);
        }
    }

    private static ThemeModel classpathModel(String name, String rulesSource) {
        String res = "/" + name;
        try (InputStream in = ThemeClassifier.class.getResourceAsStream(res)) {
            if (in == null) {
                throw new ThemeRulesException(rulesSource + ": model: \"" + name + "\" not found beside the rules or on the classpath");
            }
            return ThemeModel.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "classpath:" + res);
        } catch (IOException e) {
            throw new ThemeRulesException("classpath:" + res + ": cannot read: " + e.getMessage(), e);
        }
    }

    /** The classifier with the rules in {@code rules}; any problem is a {@link ThemeRulesException} naming line or key. */
    public static ThemeClassifier fromFile(Path rules) {
        String text;
        try {
            text = Files.readString(rules, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ThemeRulesException(rules + ": cannot read rules file: " + e, e);
        }
        ThemeRules parsed = ThemeRules.parse(text, rules.toString());
        ThemeModel model = null;
        if (parsed.model != null) {
            Path beside = rules.toAbsolutePath().resolveSibling(parsed.model);
            if (Files.isRegularFile(beside)) {
                try {
                    model = ThemeModel.parse(Files.readString(beside, StandardCharsets.UTF_8), beside.toString());
                } catch (IOException e) {
                    throw new ThemeRulesException(beside + ": cannot read model file: " + e, e);
                }
            } else {
                model = classpathModel(parsed.model, rules.toString());
            }
        }
        return new ThemeClassifier(parsed, model);
    }

    /** The same rules with a different learned layer (null: rules only). For training and evaluation tools. */
    ThemeClassifier withModel(ThemeModel m) {
        return new ThemeClassifier(rules, m);
    }

    /** The learned layer in use, or null when the rules alone decide. */
    ThemeModel model() {
        return model;
    }

    /** A one-line description of what decides: rules version and, if any, the model version. */
    public String describe() {
        return "rules " + rules.version + (model == null ? ", no model"
                : ", model " + model.version + " (trained on rules " + model.rulesVersion + ")");
    }

    /** Rules from a string (tests, tools); {@code source} names it in messages. */
    static ThemeClassifier fromString(String json, String source) {
        ThemeRules parsed = ThemeRules.parse(json, source);
        return new ThemeClassifier(parsed, parsed.model == null ? null : classpathModel(parsed.model, source));
    }

    /** The "version" field of the rules in use. */
    public String rulesVersion() {
        return rules.version;
    }

    /** The labels of a theme's terms (positive and negative), in the order of the per-term features. */
    List<String> termLabels(int theme) {
        List<String> out = new ArrayList<>();
        for (ThemeRules.Term term : termsByTheme[theme]) {
            out.add(term.label());
        }
        return out;
    }

    /** Theme codes in rules-file order. */
    public List<String> themeCodes() {
        return List.of(codes);
    }

    /** The assignment threshold of a theme (a score in [0, 1)). */
    public double threshold(String theme) {
        if (model != null && model.get(theme) != null) {
            return model.get(theme).threshold();
        }
        for (ThemeRules.Theme t : rules.themes) {
            if (t.code().equals(theme)) {
                return t.threshold();
            }
        }
        throw new IllegalArgumentException("unknown theme " + theme);
    }

    // ------------------------------------------------------------------------------------------------ classify

    /**
     * Classifies one article from its title and body paragraphs (either may be null or empty).
     * Thread-safe; allocates only per-call scratch.
     */
    public Classification classify(String title, List<String> paragraphs) {
        return classify(title, paragraphs, null, null, null);
    }

    /** The {@link #FEATURES} of every theme, one row per theme in rules-file order (for training the model). */
    double[][] features(String title, List<String> paragraphs) {
        double[][] out = new double[codes.length][];
        classify(title, paragraphs, null, out, null);
        return out;
    }

    /**
     * The hashed text vector the {@code textScore} feature is computed from, for training: every counted token's
     * unigram and bigram bucket (title tokens twice; body tokens up to the related-posts tail), and the token count
     * the vector is scaled by (x[bucket] = occurrences / sqrt(count)).
     */
    int[] textBuckets(String title, List<String> paragraphs) {
        IntList out = new IntList();
        classify(title, paragraphs, null, new double[codes.length][], out);
        return Arrays.copyOf(out.data, out.size);
    }

    /** Unigram bucket of a lower-cased word's hash. */
    static int textBucket(int h) {
        return fmix(h) & (TEXT_DIM - 1);
    }

    /** Bigram bucket of two consecutive words' hashes. */
    static int textBucket(int h1, int h2) {
        return fmix(h1 * 0x9E3779B1 + h2 + 0x5bd1e995) & (TEXT_DIM - 1);
    }

    private static int fmix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        return h ^ (h >>> 16);
    }

    /**
     * Lists every matched occurrence with its weights, one per line: where (title, or paragraph:word), theme,
     * term, position weight, context factor, contribution before diminishing returns. For tuning rules.
     */
    public String explain(String title, List<String> paragraphs) {
        StringBuilder sb = new StringBuilder();
        Classification c = classify(title, paragraphs, sb, null, null);
        sb.append("scores ").append(c.scores()).append('\n');
        return sb.toString();
    }

    /**
     * What one call to classify works on, pass by pass. The passes are separate small methods (one 300-line
     * method was recompiled by C2 again and again, seconds each time, in every new JVM).
     */
    private static final class Evidence {
        final Text text;
        final List<String> paras;
        final int n;
        final StringBuilder trace;
        // pass 1: one entry per phrase occurrence
        final IntList mTheme = new IntList();
        final IntList mTerm = new IntList();
        final IntList mTok = new IntList();
        final IntList mLen = new IntList();
        final IntList teaserFrom = new IntList();
        final IntList teaserTo = new IntList();
        final boolean[][] ignoredHolder = new boolean[1][];
        final int[] tailHolder = {Integer.MAX_VALUE, 0};   // tail start, market words
        int m;
        // pass 2: each occurrence's weight by position and context
        double[] contrib;
        double[] ctxOf;
        double[] posOf;
        byte[] where;   // 0 title, 1 lead, 2 body, 3 tail
        boolean[] isTail;
        double[][] paraEvidence;
        // substance, per theme
        int[] strong;
        boolean[] inTitle;
        boolean[] inTopOrLead;
        int[] firstStrong;
        int[] lastStrong;
        // pass 3, per theme
        int articleTokens;
        double[] raw;
        double[] score;
        List<List<String>> matched;
        double[][] termTotals;
        boolean[] ruleAssigned;

        Evidence(String title, List<String> paragraphs, StringBuilder trace) {
            this.paras = paragraphs == null ? List.of() : paragraphs;
            this.text = Text.of(title, paras);
            this.n = text.count;
            this.trace = trace;
        }

        int tailStart() {
            return tailHolder[0];
        }
    }

    private Classification classify(String title, List<String> paragraphs, StringBuilder trace, double[][] featuresOut,
                                    IntList textOut) {
        Evidence ev = new Evidence(title, paragraphs, trace);
        findPhrases(ev);
        weigh(ev);
        oneVotePerMention(ev);
        capTail(ev);
        substance(ev);
        scoreThemes(ev);
        decideByRules(ev);
        // features for the learned layer, then the decision: the model where it has weights for a theme, else the
        // rules. Either way a theme needs matched terms.
        double[][] feat = null;
        if (model != null || featuresOut != null || trace != null) {
            feat = features(ev);
            if (textWeights != null || textOut != null) {
                textScores(ev.text, ev.tailStart(), feat, textOut);
            }
            if (featuresOut != null) {
                System.arraycopy(feat, 0, featuresOut, 0, codes.length);
            }
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        List<ThemeScore> assigned = decide(ev, feat, scores);
        return new Classification(assigned, scores, paragraphThemes(ev));
    }

    /** Pass 1: every phrase occurrence (and the ignored spans, teasers and tail that the markers find). */
    private void findPhrases(Evidence ev) {
        Text text = ev.text;
        int n = ev.n;
        int[] coveredUntil = new int[codes.length];
        char[] low = text.low;
        for (int i = 0; i < n; i++) {
            int s = text.start[i];
            int e = text.end[i];
            int h = text.hash[i];
            int slot = lookup(h, low, s, e);
            if (slot < 0) {
                continue;
            }
            Candidate[] single = tableValues[slot];
            Candidate[] multi = null;
            if (tablePairStart[slot] && i + 1 < n && text.seg[i + 1] == text.seg[i]) {
                int s2 = text.start[i + 1];
                int e2 = text.end[i + 1];
                int h2 = 31 * h + ' ';
                for (int c = s2; c < e2; c++) {
                    h2 = 31 * h2 + low[c];
                }
                multi = lookupPair(h2, low, s, e, s2, e2);
            }
            if (multi != null) {
                scan(multi, text, i, coveredUntil, ev.mTheme, ev.mTerm, ev.mTok, ev.mLen, ev.teaserFrom, ev.teaserTo,
                        ev.ignoredHolder, ev.tailHolder);
            }
            if (single.length > 0) {
                scan(single, text, i, coveredUntil, ev.mTheme, ev.mTerm, ev.mTok, ev.mLen, ev.teaserFrom, ev.teaserTo,
                        ev.ignoredHolder, ev.tailHolder);
            }
        }
        ev.m = ev.mTok.size;
    }

    /** Pass 2: weigh each occurrence by position (title, lead, body, tail) and context rules. */
    private void weigh(Evidence ev) {
        Text text = ev.text;
        ThemeRules.Scoring sc = rules.scoring;
        int m = ev.m;
        int nt = codes.length;
        boolean[] ignored = ev.ignoredHolder[0];
        int tailStart = ev.tailStart();
        double[] contrib = ev.contrib = new double[m];
        double[] ctxOf = ev.ctxOf = new double[m];
        double[] posOf = ev.posOf = new double[m];
        byte[] where = ev.where = new byte[m];
        boolean[] isTail = ev.isTail = new boolean[m];
        double[][] paraEvidence = ev.paraEvidence = new double[ev.paras.size()][nt];
        outer:
        for (int j = 0; j < m; j++) {
            int i = ev.mTok.data[j];
            int len = ev.mLen.data[j];
            if (ignored != null) {
                for (int k = i; k < i + len; k++) {
                    if (ignored[k]) {
                        contrib[j] = Double.NaN;
                        continue outer;
                    }
                }
            }
            int t = ev.mTheme.data[j];
            ThemeRules.Term term = termsByTheme[t][ev.mTerm.data[j]];
            double ctx = 1.0;
            for (ThemeRules.ContextRule r : rules.themes.get(t).context()) {
                if (r.appliesTo(term.label()) && contextHit(text, i, len, r) != r.whenAbsent()) {
                    ctx *= r.factor();
                }
            }
            double pos;
            int seg = text.seg[i];
            if (seg < 0) {
                pos = sc.titleWeight();
            } else if (i >= tailStart || inSpan(i, ev.teaserFrom, ev.teaserTo)) {
                pos = sc.tailWeight();
                isTail[j] = true;
                where[j] = 3;
            } else if (text.bodyOrdinal[i] < sc.leadTokens()) {
                pos = sc.leadWeight();
                where[j] = 1;
            } else {
                pos = sc.bodyWeight();
                where[j] = 2;
            }
            ctxOf[j] = ctx;
            posOf[j] = pos;
            double w = term.weight() * ctx;
            contrib[j] = w * pos;
            if (ev.trace != null) {
                ev.trace.append(String.format(java.util.Locale.ROOT, "%-8s %-20s %-34s %s pos=%.2f ctx=%.2f -> %.2f%n",
                        seg < 0 ? "title" : seg + ":" + text.bodyOrdinal[i], codes[t], term.label(),
                        term.negative() ? "NEG" : "   ", pos, ctx, contrib[j]));
            }
            if (seg >= 0) {
                paraEvidence[seg][t] += term.negative() ? -w : w;
            }
        }
    }

    /**
     * Pass 2b: one mention, one vote. Positive matches of a theme closer than mentionGap words (e.g. "central bank
     * digital currency (CBDC)") form one mention: its strongest match counts in full, the rest at clusterRest.
     */
    private void oneVotePerMention(Evidence ev) {
        ThemeRules.Scoring sc = rules.scoring;
        int nt = codes.length;
        double[] contrib = ev.contrib;
        int[] lastEnd = new int[nt];
        int[] lastSeg = new int[nt];
        int[] best = new int[nt];
        Arrays.fill(lastEnd, Integer.MIN_VALUE / 2);
        Arrays.fill(best, -1);
        for (int j = 0; j < ev.m; j++) {
            if (Double.isNaN(contrib[j]) || contrib[j] <= 0) {
                continue;
            }
            int t = ev.mTheme.data[j];
            if (termsByTheme[t][ev.mTerm.data[j]].negative()) {
                continue;
            }
            int i = ev.mTok.data[j];
            if (best[t] >= 0 && ev.text.seg[i] == lastSeg[t] && i - lastEnd[t] <= sc.mentionGap()) {
                int b = best[t];
                if (contrib[j] > contrib[b]) {
                    contrib[b] *= sc.clusterRest();
                    best[t] = j;
                } else {
                    contrib[j] *= sc.clusterRest();
                }
            } else {
                best[t] = j;
            }
            lastEnd[t] = i + ev.mLen.data[j];
            lastSeg[t] = ev.text.seg[i];
        }
    }

    /** Pass 2c: teasers and "related posts" add at most tailCap to a theme, however many there are. */
    private void capTail(Evidence ev) {
        ThemeRules.Scoring sc = rules.scoring;
        double[] contrib = ev.contrib;
        double[] tailSum = new double[codes.length];
        for (int j = 0; j < ev.m; j++) {
            if (ev.isTail[j] && contrib[j] > 0 && !termsByTheme[ev.mTheme.data[j]][ev.mTerm.data[j]].negative()) {
                tailSum[ev.mTheme.data[j]] += contrib[j];
            }
        }
        for (int j = 0; j < ev.m; j++) {
            int t = ev.mTheme.data[j];
            if (ev.isTail[j] && contrib[j] > 0 && tailSum[t] > sc.tailCap()) {
                contrib[j] *= sc.tailCap() / tailSum[t];
            }
        }
    }

    /**
     * Substance: a theme needs minMentions strong mentions (contribution >= strongMention, outside the tail)
     * unless the title carries it; one strong sentence in a long story is a passing mention.
     */
    private void substance(Evidence ev) {
        ThemeRules.Scoring sc = rules.scoring;
        int nt = codes.length;
        Text text = ev.text;
        double[] contrib = ev.contrib;
        int[] strong = ev.strong = new int[nt];
        boolean[] inTitle = ev.inTitle = new boolean[nt];
        boolean[] inTopOrLead = ev.inTopOrLead = new boolean[nt];
        int[] firstStrong = ev.firstStrong = new int[nt];
        int[] lastStrong = ev.lastStrong = new int[nt];
        Arrays.fill(firstStrong, Integer.MAX_VALUE);
        for (int j = 0; j < ev.m; j++) {
            int t = ev.mTheme.data[j];
            if (Double.isNaN(contrib[j]) || termsByTheme[t][ev.mTerm.data[j]].negative()) {
                continue;
            }
            int at = ev.mTok.data[j];
            if (contrib[j] > 0 && !ev.isTail[j] && (text.seg[at] < 0 || text.bodyOrdinal[at] < sc.leadTokens())) {
                inTopOrLead[t] = true;
            }
            if (text.seg[at] < 0 && contrib[j] >= sc.strongMention()) {
                inTitle[t] = true;
            } else if (!ev.isTail[j] && contrib[j] >= sc.strongMention()) {
                strong[t]++;
                firstStrong[t] = Math.min(firstStrong[t], at);
                lastStrong[t] = Math.max(lastStrong[t], at);
            }
        }
    }

    /** Pass 3: per theme, diminishing returns per term, length normalisation, saturation. */
    private void scoreThemes(Evidence ev) {
        ThemeRules.Scoring sc = rules.scoring;
        int nt = codes.length;
        int articleTokens = 0;
        for (int i = 0; i < ev.n; i++) {
            if (ev.text.seg[i] >= 0 && i < ev.tailStart()) {
                articleTokens++;
            }
        }
        ev.articleTokens = articleTokens;
        double lengthFactor = Math.pow(Math.max(1.0, articleTokens / (double) sc.lengthNormTokens()), sc.lengthExponent());
        ev.raw = new double[nt];
        ev.score = new double[nt];
        ev.matched = new ArrayList<>(nt);
        ev.termTotals = new double[nt][];
        for (int t = 0; t < nt; t++) {
            scoreTheme(ev, t, lengthFactor);
        }
    }

    private void scoreTheme(Evidence ev, int t, double lengthFactor) {
        double[] contrib = ev.contrib;
        ThemeRules.Term[] terms = termsByTheme[t];
        double[][] perTerm = new double[terms.length][];
        int[] counts = new int[terms.length];
        for (int j = 0; j < ev.m; j++) {
            if (ev.mTheme.data[j] == t && !Double.isNaN(contrib[j]) && contrib[j] > 0) {
                counts[ev.mTerm.data[j]]++;
            }
        }
        for (int j = 0; j < ev.m; j++) {
            if (ev.mTheme.data[j] == t && !Double.isNaN(contrib[j]) && contrib[j] > 0) {
                int k = ev.mTerm.data[j];
                if (perTerm[k] == null) {
                    perTerm[k] = new double[counts[k]];
                    counts[k] = 0;
                }
                perTerm[k][counts[k]++] = contrib[j];
            }
        }
        double sum = 0;
        double[] termTotal = new double[terms.length];
        ev.termTotals[t] = termTotal;
        for (int k = 0; k < terms.length; k++) {
            double[] cs = perTerm[k];
            if (cs == null) {
                continue;
            }
            Arrays.sort(cs);
            double tot = 0;
            for (int r = 0; r < cs.length; r++) {
                tot += cs[cs.length - 1 - r] / (r + 1);   // 1, 1/2, 1/3 ... for repeats of one term
            }
            if (terms[k].negative()) {
                tot = 0;
                for (double c : cs) {
                    tot += c;   // counter-evidence adds up without diminishing returns
                }
            }
            termTotal[k] = tot;
            sum += terms[k].negative() ? -tot : tot;
        }
        ev.raw[t] = Math.max(0, sum);
        double norm = ev.raw[t] / lengthFactor;
        ev.score[t] = round(1.0 - Math.exp(-norm / rules.scoring.saturation()));
        ev.matched.add(matchedLabels(terms, termTotal));
    }

    /** The labels of a theme's positive terms that matched, strongest first. */
    private static List<String> matchedLabels(ThemeRules.Term[] terms, double[] termTotal) {
        List<String> labels = new ArrayList<>();
        Integer[] order = new Integer[terms.length];
        for (int k = 0; k < order.length; k++) {
            order[k] = k;
        }
        Arrays.sort(order, (a, b) -> Double.compare(termTotal[b], termTotal[a]));
        for (Integer k : order) {
            if (termTotal[k] > 0 && !terms[k].negative()) {
                String l = terms[k].label();
                labels.add(l.startsWith("=") ? l.substring(1) : l);
            }
        }
        return labels;
    }

    /** What the rules alone decide: threshold (higher when only the body carries the theme), substance, suppression. */
    private void decideByRules(Evidence ev) {
        ThemeRules.Scoring sc = rules.scoring;
        int nt = codes.length;
        ev.ruleAssigned = new boolean[nt];
        for (int t = 0; t < nt; t++) {
            ThemeRules.Theme theme = rules.themes.get(t);
            double needed = theme.threshold() + (ev.inTopOrLead[t] ? 0 : sc.bodyOnlyMargin());
            if (ev.score[t] < needed || ev.matched.get(t).isEmpty()
                    || (!ev.inTitle[t] && (ev.strong[t] < theme.minMentions()
                        || ev.lastStrong[t] - ev.firstStrong[t] < sc.minSpread()))) {
                continue;
            }
            boolean suppressed = false;
            for (Map.Entry<String, Double> e : theme.suppressedBy().entrySet()) {
                int o = indexOf(e.getKey());
                if (ev.raw[t] < e.getValue() * ev.raw[o] && ev.score[o] >= rules.themes.get(o).threshold()) {
                    suppressed = true;
                }
            }
            ev.ruleAssigned[t] = !suppressed;
        }
    }

    /** The assigned themes, strongest first; fills {@code scores} with every theme's score. */
    private List<ThemeScore> decide(Evidence ev, double[][] feat, Map<String, Double> scores) {
        List<ThemeScore> assigned = new ArrayList<>();
        for (int t = 0; t < codes.length; t++) {
            ThemeModel.ThemeWeights w = model == null ? null : model.get(codes[t]);
            double s = ev.score[t];
            boolean yes = ev.ruleAssigned[t];
            List<String> matched = ev.matched.get(t);
            if (w != null) {
                s = matched.isEmpty() ? 0.0 : Math.min(0.9999, round(w.probability(feat[t], boundTermWeights[t])));
                yes = !matched.isEmpty() && s >= w.threshold();
            }
            if (ev.trace != null) {
                ev.trace.append(String.format(java.util.Locale.ROOT, "%-20s rules %.3f%s%s features %s%n", codes[t],
                        ev.score[t], ev.ruleAssigned[t] ? " (assigned)" : "", w == null ? "" : String.format(java.util.Locale.ROOT,
                                " model p=%.3f threshold %.2f%s", s, w.threshold(), yes ? " (assigned)" : ""),
                        featureText(feat[t])));
            }
            scores.put(codes[t], s);
            if (yes) {
                assigned.add(new ThemeScore(codes[t], s, List.copyOf(matched)));
            }
        }
        assigned.sort(Comparator.comparingDouble((ThemeScore s) -> -s.score()));
        return assigned;
    }

    /** Each paragraph's own themes: those with enough evidence in it, strongest first. */
    private List<List<String>> paragraphThemes(Evidence ev) {
        List<List<String>> perParagraph = new ArrayList<>(ev.paras.size());
        for (int p = 0; p < ev.paras.size(); p++) {
            double[] e = ev.paraEvidence[p];
            List<String> themes = new ArrayList<>(1);
            for (int t = 0; t < codes.length; t++) {
                if (e[t] > 0 && e[t] >= rules.themes.get(t).paragraphMinEvidence()) {
                    themes.add(codes[t]);
                }
            }
            if (themes.size() > 1) {
                themes.sort(Comparator.comparingDouble(c -> -e[indexOf(c)]));
            }
            perParagraph.add(List.copyOf(themes));
        }
        return perParagraph;
    }

    /** The {@link #FEATURES} of every theme, from what the passes found. */
    private double[][] features(Evidence ev) {
        double[][] termTotals = ev.termTotals;
        Text text = ev.text;
        int n = ev.n;
        int tailStart = ev.tailStart();
        int marketWords = ev.tailHolder[1];
        int articleTokens = ev.articleTokens;
        IntList mTheme = ev.mTheme;
        IntList mTerm = ev.mTerm;
        IntList mTok = ev.mTok;
        double[] contrib = ev.contrib;
        double[] ctxOf = ev.ctxOf;
        double[] posOf = ev.posOf;
        byte[] where = ev.where;
        double[] score = ev.score;
        boolean[] ruleAssigned = ev.ruleAssigned;
        List<List<String>> matched = ev.matched;
        int[] strong = ev.strong;
        boolean[] inTitle = ev.inTitle;
        int[] firstStrong = ev.firstStrong;
        int nt = codes.length;
        int m = mTok.size;
        int bodySentences = 0;
        int last = Integer.MIN_VALUE;
        for (int i = 0; i < n && i < tailStart; i++) {
            if (text.seg[i] >= 0 && text.sent[i] != last) {
                bodySentences++;
                last = text.sent[i];
            }
        }
        double[][] out = new double[nt][];
        for (int t = 0; t < nt; t++) {
            double[] pos = new double[4];
            double neg = 0;
            double disc = 0;
            int occ = 0;
            int discounted = 0;
            int sentHits = 0;
            int lastSent = Integer.MIN_VALUE;
            double sentEv = 0;
            double topSent = 0;
            for (int j = 0; j < m; j++) {
                if (mTheme.data[j] != t || Double.isNaN(contrib[j])) {
                    continue;
                }
                ThemeRules.Term term = termsByTheme[t][mTerm.data[j]];
                if (term.negative()) {
                    neg += contrib[j];
                    continue;
                }
                occ++;
                if (ctxOf[j] < 1.0) {
                    discounted++;
                    disc += term.weight() * posOf[j] * (1.0 - ctxOf[j]);
                }
                if (contrib[j] <= 0) {
                    continue;
                }
                pos[where[j]] += contrib[j];
                int i = mTok.data[j];
                if (where[j] == 1 || where[j] == 2) {
                    if (text.sent[i] != lastSent) {
                        sentHits++;
                        lastSent = text.sent[i];
                        sentEv = 0;
                    }
                    sentEv += contrib[j];
                    topSent = Math.max(topSent, sentEv);
                }
            }
            double other = 0;
            for (int o = 0; o < nt; o++) {
                if (o != t) {
                    other = Math.max(other, score[o]);
                }
            }
            double first = inTitle[t] ? 0.0 : firstStrong[t] == Integer.MAX_VALUE ? 1.0
                    : Math.min(1.0, text.bodyOrdinal[firstStrong[t]] / (double) Math.max(1, articleTokens));
            double[] f = new double[NF + termTotals[t].length];
            out[t] = f;
            for (int k = 0; k < termTotals[t].length; k++) {
                f[NF + k] = Math.log1p(termTotals[t][k]);   // per-term evidence: the model may re-weigh each term
            }
            f[0] = score[t];
            f[1] = ruleAssigned[t] ? 1 : 0;
            f[2] = Math.log1p(pos[0]);
            f[3] = Math.log1p(pos[1]);
            f[4] = Math.log1p(pos[2]);
            f[5] = Math.log1p(pos[3]);
            f[6] = Math.log1p(neg);
            f[7] = Math.log1p(matched.get(t).size());
            f[8] = Math.log1p(strong[t] + (inTitle[t] ? 1 : 0));
            f[9] = sentHits / (double) Math.max(1, bodySentences);
            f[10] = Math.log1p(disc);
            f[11] = occ == 0 ? 0 : discounted / (double) occ;
            f[12] = Math.log1p(articleTokens / (double) rules.scoring.lengthNormTokens());
            f[13] = first;
            f[14] = other;
            double words = Math.max(1, articleTokens);
            f[15] = Math.log1p(100.0 * (pos[0] + pos[1] + pos[2]) / words);
            f[16] = pos[1] + pos[2] > 0 ? topSent / (pos[1] + pos[2]) : 0;
            f[17] = Math.log1p(100.0 * marketWords / words);
        }
        return out;
    }

    /**
     * One pass over the tokens up to the tail: each token's unigram bucket and, within a paragraph, its bigram
     * bucket with the next token (title tokens count twice). Sets every theme's textScore feature to
     * textBias + sum(weights of those buckets) / sqrt(tokens), and lists the buckets in {@code textOut} if given.
     */
    private void textScores(Text text, int tailStart, double[][] feat, IntList textOut) {
        int nt = codes.length;
        double[] acc = new double[nt];
        float[] w = textWeights;
        int stop = Math.min(text.count, tailStart);
        int tokens = 0;
        int[] hash = text.hash;
        int[] seg = text.seg;
        for (int i = 0; i < stop; i++) {
            int rep = seg[i] < 0 ? 2 : 1;
            int b1 = textBucket(hash[i]);
            int b2 = i + 1 < stop && seg[i + 1] == seg[i] ? textBucket(hash[i], hash[i + 1]) : -1;
            tokens += rep;
            if (textOut != null) {
                for (int r = 0; r < rep; r++) {
                    textOut.add(b1);
                    if (b2 >= 0) {
                        textOut.add(b2);
                    }
                }
            }
            if (w != null) {
                int o1 = b1 * nt;
                int o2 = b2 * nt;
                for (int t = 0; t < nt; t++) {
                    acc[t] += rep * (w[o1 + t] + (b2 >= 0 ? w[o2 + t] : 0f));
                }
            }
        }
        if (textOut != null) {
            textOut.add(-tokens - 1);   // terminator carrying the token count
        }
        double norm = 1.0 / Math.sqrt(Math.max(1, tokens));
        for (int t = 0; t < nt; t++) {
            if (w != null && feat[t] != null) {
                feat[t][TEXT_SCORE] = textBias[t] + acc[t] * norm;
            }
        }
    }

    private static String featureText(double[] f) {
        StringBuilder sb = new StringBuilder("{");
        for (int k = 0; k < NF; k++) {   // the base features; per-term columns follow them
            sb.append(k == 0 ? "" : ", ").append(FEATURES.get(k)).append('=')
                    .append(String.format(java.util.Locale.ROOT, "%.3f", f[k]));
        }
        return sb.append('}').toString();
    }

    private int indexOf(String code) {
        for (int i = 0; i < codes.length; i++) {
            if (codes[i].equals(code)) {
                return i;
            }
        }
        return -1;
    }

    private static double round(double v) {
        return Math.round(v * 10_000.0) / 10_000.0;
    }

    private static boolean inSpan(int i, IntList from, IntList to) {
        for (int k = 0; k < from.size; k++) {
            if (i >= from.data[k] && i < to.data[k]) {
                return true;
            }
        }
        return false;
    }

    private static void scan(Candidate[] cands, Text text, int i, int[] coveredUntil, IntList mTheme, IntList mTerm,
                             IntList mTok, IntList mLen, IntList teaserFrom, IntList teaserTo,
                             boolean[][] ignored, int[] tailStart) {
        for (Candidate cand : cands) {
            int len = cand.words().length;
            if (cand.kind() == KIND_TERM && i < coveredUntil[cand.theme()]) {
                continue;
            }
            if (!matches(text, i, cand)) {
                continue;
            }
            switch (cand.kind()) {
                case KIND_TERM -> {
                    mTheme.add(cand.theme());
                    mTerm.add(cand.term());
                    mTok.add(i);
                    mLen.add(len);
                    coveredUntil[cand.theme()] = i + len;
                }
                case KIND_TAIL -> {
                    if (text.seg[i] >= 0) {
                        tailStart[0] = Math.min(tailStart[0], i);
                    }
                }
                case KIND_TEASER -> {
                    teaserFrom.add(i);
                    teaserTo.add(i + len + cand.teaserTokens());
                }
                case KIND_MARKET -> tailStart[1]++;
                default -> {
                    if (ignored[0] == null) {
                        ignored[0] = new boolean[text.count];
                    }
                    Arrays.fill(ignored[0], i, i + len, true);
                }
            }
        }
    }

    private Candidate[] lookupPair(int h, char[] low, int s1, int e1, int s2, int e2) {
        int slot = mix(h) & tableMask;
        int l1 = e1 - s1;
        int len = l1 + 1 + (e2 - s2);
        while (true) {
            String key = tableKeys[slot];
            if (key == null) {
                return null;
            }
            if (tableHashes[slot] == h && key.length() == len && key.charAt(l1) == ' ') {
                boolean eq = true;
                for (int k = 0; k < l1 && eq; k++) {
                    eq = key.charAt(k) == low[s1 + k];
                }
                for (int k = 0; k < e2 - s2 && eq; k++) {
                    eq = key.charAt(l1 + 1 + k) == low[s2 + k];
                }
                if (eq) {
                    return tableValues[slot];
                }
            }
            slot = (slot + 1) & tableMask;
        }
    }

    /** The table slot of a single word, or -1. */
    private int lookup(int h, char[] low, int s, int e) {
        int slot = mix(h) & tableMask;
        while (true) {
            String key = tableKeys[slot];
            if (key == null) {
                return -1;
            }
            if (tableHashes[slot] == h && regionEquals(key, low, s, e)) {
                return slot;
            }
            slot = (slot + 1) & tableMask;
        }
    }

    private static boolean regionEquals(String word, char[] buf, int s, int e) {
        if (word.length() != e - s) {
            return false;
        }
        for (int k = 0; k < word.length(); k++) {
            if (word.charAt(k) != buf[s + k]) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(Text text, int i, Candidate c) {
        String[] words = c.words();
        if (i + words.length > text.count) {
            return false;
        }
        int seg = text.seg[i];
        for (int k = 0; k < words.length; k++) {
            int tok = i + k;
            if (text.seg[tok] != seg) {
                return false;
            }
            if (k > 0 && text.sent[tok] != text.sent[tok - 1]) {
                return false; // a phrase does not run across a full stop
            }
            if (!regionEquals(words[k], c.caseSensitive() ? text.chars : text.low, text.start[tok], text.end[tok])) {
                return false;
            }
        }
        if (c.colonAfter()) {
            int after = text.end[i + words.length - 1];
            while (after < text.chars.length && text.chars[after] == ' ') {
                after++;
            }
            return after < text.chars.length && text.chars[after] == ':';
        }
        return true;
    }

    private static boolean contextHit(Text text, int i, int len, ThemeRules.ContextRule r) {
        int seg = text.seg[i];
        int sent = text.sent[i];
        if (r.capitalisedBefore() && seg >= 0 && i > 0 && text.seg[i - 1] == seg && isName(text, i - 1)
                && !r.except().contains(text.lowerWord(i - 1))) {
            return true;
        }
        if (r.direction() != ThemeRules.Direction.AFTER) {
            for (int k = i - 1; k >= 0 && k >= i - r.window(); k--) {
                if (text.seg[k] != seg || text.sent[k] != sent) {
                    break;
                }
                if (r.words().contains(text.lowerWord(k))) {
                    return true;
                }
            }
        }
        if (r.direction() != ThemeRules.Direction.BEFORE) {
            int last = i + len - 1;
            int lastSent = text.sent[last];
            for (int k = last + 1; k < text.count && k <= last + r.window(); k++) {
                if (text.seg[k] != seg || text.sent[k] != lastSent) {
                    break;
                }
                if (r.words().contains(text.lowerWord(k))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** A capitalised word that is not all capitals: "Shaco", "Ozak" (a name), not "The" at sentence start if excepted. */
    private static boolean isName(Text text, int k) {
        int s = text.start[k];
        int e = text.end[k];
        if (e - s < 2 || !Character.isUpperCase(text.chars[s])) {
            return false;
        }
        for (int c = s + 1; c < e; c++) {
            if (Character.isLowerCase(text.chars[c])) {
                return true;
            }
        }
        return false;
    }

    /** Growable int array without boxing. */
    private static final class IntList {
        int[] data = new int[16];
        int size;

        void add(int v) {
            if (size == data.length) {
                data = Arrays.copyOf(data, size * 2);
            }
            data[size++] = v;
        }
    }

    /** Title and paragraphs laid out in one buffer, tokenised once. */
    private static final class Text {
        char[] chars;
        char[] low;
        int count;
        int[] start;
        int[] end;
        int[] seg;          // -1 = title, else paragraph index
        int[] sent;         // sentence number, increases at . ! ? ; : and between segments
        int[] bodyOrdinal;  // position among body words (title words: -1)
        int[] hash;         // String.hashCode of the lower-cased word

        static Text of(String title, List<String> paragraphs) {
            int total = title == null ? 0 : title.length();
            for (String p : paragraphs) {
                total += (p == null ? 0 : p.length()) + 1;
            }
            Text t = new Text();
            t.chars = new char[total + 1];
            t.low = new char[total + 1];
            int cap = Math.max(16, total / 5);
            t.start = new int[cap];
            t.end = new int[cap];
            t.seg = new int[cap];
            t.sent = new int[cap];
            t.bodyOrdinal = new int[cap];
            t.hash = new int[cap];
            int at = 0;
            int sentence = 0;
            int body = 0;
            for (int s = -1; s < paragraphs.size(); s++) {
                String str = s < 0 ? title : paragraphs.get(s);
                if (str == null) {
                    str = "";
                }
                int base = at;
                str.getChars(0, str.length(), t.chars, base);
                at += str.length();
                t.chars[at++] = '\n';
                sentence++;
                int i = base;
                int stop = base + str.length();
                char[] chars = t.chars;
                char[] low = t.low;
                while (i < stop) {
                    char c = chars[i];
                    if (Tokens.isWordChar(c)) {
                        int st = i;
                        int h = 0;
                        while (i < stop) {
                            char ch = chars[i];
                            char lc;
                            if (ch < 128) {
                                if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || (ch >= 'A' && ch <= 'Z'))) {
                                    break;
                                }
                                lc = ch <= 'Z' && ch >= 'A' ? (char) (ch + 32) : ch;
                            } else {
                                if (!Character.isLetterOrDigit(ch)) {
                                    break;
                                }
                                lc = Character.toLowerCase(ch);
                            }
                            low[i] = lc;
                            h = 31 * h + lc;
                            i++;
                        }
                        t.add(st, i, s, sentence, s < 0 ? -1 : body++, h);
                    } else {
                        if (c == '.' || c == '!' || c == '?' || c == ';' || c == ':' || c == '\u2022' || c == '|') {
                            sentence++;
                        }
                        i++;
                    }
                }
            }
            return t;
        }

        private void add(int s, int e, int segment, int sentence, int ordinal, int h) {
            if (count == start.length) {
                int cap = count * 2;
                hash = Arrays.copyOf(hash, cap);
                start = Arrays.copyOf(start, cap);
                end = Arrays.copyOf(end, cap);
                seg = Arrays.copyOf(seg, cap);
                sent = Arrays.copyOf(sent, cap);
                bodyOrdinal = Arrays.copyOf(bodyOrdinal, cap);
            }
            start[count] = s;
            end[count] = e;
            hash[count] = h;
            seg[count] = segment;
            sent[count] = sentence;
            bodyOrdinal[count] = ordinal;
            count++;
        }

        String lowerWord(int k) {
            return new String(low, start[k], end[k] - start[k]);
        }
    }
}
