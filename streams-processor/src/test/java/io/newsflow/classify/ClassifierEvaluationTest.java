package io.newsflow.classify;

import io.newsflow.model.Article;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Guards the measured quality of the shipped rules. The floors sit a little below the figures in
 * docs/CLASSIFIER.md; raise them when the rules improve, never lower them to make a change pass.
 */
class ClassifierEvaluationTest {

    private static final ThemeClassifier DEFAULTS = ThemeClassifier.defaults();
    /** Shipped rules + model on every label file (the model was trained on them: an in-sample figure, 0.882; lowest theme 0.838). */
    private static final double ALL_LABELS_MACRO_F1_FLOOR = 0.87;
    private static final double PER_THEME_F1_FLOOR = 0.83;
    /**
     * Out-of-sample: 5-fold grouped CV of the learned layer (rules features + stacked hashed-text score) over every
     * label file, heldout-3 included since session 5 (1,023 articles). Measured with rules 2026.12-5: repeat 1 0.823,
     * lowest theme BLOCKCHAIN_PLATFORM 0.769; 5 repeats 0.819 mean (sd 0.003). The session-4 rules (2026.11-3) measure
     * 0.816 on repeat 1 and 0.814 over 5 repeats on the same 1,023 articles, so this floor fails them. (On the 788
     * session-4 labels the floor was also 0.82; the figure fell because heldout-3 is harder, not because the floor moved.)
     */
    private static final double CV_MACRO_F1_FLOOR = 0.82;
    private static final double CV_PER_THEME_F1_FLOOR = 0.76;
    static final String[] LABEL_FILES = {"seeds.tsv", "reuters-bitcoin-dev.tsv", "crypto-news-2025-dev.tsv",
            "heldout-1.tsv", "extra-a.tsv", "heldout-2.tsv", "heldout-3.tsv"};

    private static Set<String> known() {
        return new LinkedHashSet<>(DEFAULTS.themeCodes());
    }

    @Test
    void seedsAreClassifiedPerfectly() throws Exception {
        Map<String, Set<String>> labels = ClassifierEvaluation.readLabels(TestFiles.labels("seeds.tsv"), known());
        Map<String, Article> articles = ClassifierEvaluation.readArticles(List.of(TestFiles.seeds()), System.out);
        ClassifierEvaluation.Result r = ClassifierEvaluation.evaluate(DEFAULTS, articles, labels);
        assertEquals(5, r.articles());
        assertEquals(1.0, r.macroF1(), 1e-9, r.misses().toString());
    }

    @Test
    void evalCommandPrintsPerThemeTableMacroF1AndMistakes() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = ClassifierEvaluation.run(new String[]{
                "--input", TestFiles.seeds().toString(),
                "--labels", TestFiles.labels("seeds.tsv").toString(),
                "--labels", TestFiles.labels("reuters-bitcoin-dev.tsv").toString()},
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        for (String s : new String[]{"CBDC", "CRYPTO_BAN", "BLOCKCHAIN_PLATFORM", "AI", "macro-F1", "support"}) {
            assertTrue(out.contains(s), s + " in\n" + out);
        }
        // the Reuters ids are labelled but the corpus was not given: they are reported, not counted
        assertTrue(out.contains("labelled ids missing from the input"), out);
    }

    @Test
    void evalCommandRejectsBadArguments() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        assertEquals(2, ClassifierEvaluation.run(new String[]{"--input"}, new PrintStream(buf)));
        assertEquals(2, ClassifierEvaluation.run(new String[]{"--labels", "x.tsv"}, new PrintStream(buf)));
    }

    @Test
    void benchmarkCommandRunsOnTheSeeds() {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = ClassifierBenchmark.run(new String[]{"--input", TestFiles.seeds().toString(), "--seconds", "0.2"},
                new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("µs/article"), out);
    }

    private static Map<String, Article> corpusArticles() throws Exception {
        Path reuters = TestFiles.corpus("reuters-bitcoin.jsonl");
        Path news = TestFiles.corpus("crypto-news-2025.jsonl");
        assumeTrue(reuters != null && news != null, "corpora not present: skipped");
        return ClassifierEvaluation.readArticles(new ArrayList<>(List.of(TestFiles.seeds(), reuters, news)), System.out);
    }

    private static Map<String, Set<String>> allLabels() throws Exception {
        Map<String, Set<String>> labels = new LinkedHashMap<>();
        for (String f : LABEL_FILES) {
            labels.putAll(ClassifierEvaluation.readLabels(TestFiles.labels(f), known()));
        }
        return labels;
    }

    @Test
    void macroF1OnAllLabelsDoesNotRegress() throws Exception {
        Map<String, Article> articles = corpusArticles();
        Map<String, Set<String>> labels = allLabels();
        ClassifierEvaluation.Result all = ClassifierEvaluation.evaluate(DEFAULTS, articles, labels);
        assertEquals(labels.size(), all.articles(), "every labelled id is in the corpora");
        assertTrue(all.macroF1() >= ALL_LABELS_MACRO_F1_FLOOR, "macro-F1 " + all.macroF1());
        for (ClassifierEvaluation.ThemeStats s : all.themes()) {
            assertTrue(s.f1() >= PER_THEME_F1_FLOOR, s.theme() + " F1 " + s.f1());
        }
    }

    /**
     * The honest figure: the learned layer retrained in each of 5 grouped folds and scored on the fold it never saw.
     * Guards the training method and the features, not just the shipped weights.
     */
    @Test
    void crossValidatedMacroF1DoesNotRegress() throws Exception {
        Map<String, Article> articles = corpusArticles();
        ThemeClassifier rulesOnly = ThemeClassifier.defaultRulesOnly();
        List<ThemeModelTrainer.Example> ex = ThemeModelTrainer.examples(rulesOnly, articles, allLabels());
        ThemeModelTrainer.Counts[] c = ThemeModelTrainer.crossValidate(ex, rulesOnly.themeCodes(), 5, 1, 10.0, System.out);
        System.out.print(c[0].table("model, 5-fold CV"));
        assertTrue(c[0].macro() >= CV_MACRO_F1_FLOOR, "CV macro-F1 " + c[0].macro());
        for (int t = 0; t < rulesOnly.themeCodes().size(); t++) {
            assertTrue(c[0].f1(t) >= CV_PER_THEME_F1_FLOOR, rulesOnly.themeCodes().get(t) + " CV F1 " + c[0].f1(t));
        }
    }
}
