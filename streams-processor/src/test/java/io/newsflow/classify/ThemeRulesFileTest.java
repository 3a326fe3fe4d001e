package io.newsflow.classify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.newsflow.model.ThemeScore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThemeRulesFileTest {

    @TempDir
    Path dir;

    private static final String MINIMAL = """
            {
              "version": "test-1",
              "themes": {
                "CRYPTO_BAN": {
                  "threshold": 0.3,
                  "terms": {"ban": 3}
                }
              }
            }
            """;

    private Path write(String json) throws Exception {
        Path f = dir.resolve("rules.json");
        Files.writeString(f, json, StandardCharsets.UTF_8);
        return f;
    }

    private ThemeRulesException failure(String json) throws Exception {
        Path f = write(json);
        return assertThrows(ThemeRulesException.class, () -> ThemeClassifier.fromFile(f));
    }

    @Test
    void shippedRulesLoadAndDeclareAVersionAndTheFourThemes() {
        ThemeClassifier c = ThemeClassifier.defaults();
        assertTrue(!c.rulesVersion().isBlank());
        assertEquals(List.of("CBDC", "CRYPTO_BAN", "BLOCKCHAIN_PLATFORM", "AI"), c.themeCodes());
    }

    @Test
    void aMinimalFileWorksWithDefaultScoring() throws Exception {
        ThemeClassifier c = ThemeClassifier.fromFile(write(MINIMAL));
        assertEquals("test-1", c.rulesVersion());
        Classification r = c.classify("Country bans crypto", List.of("The country banned it."));
        assertEquals("CRYPTO_BAN", r.primaryTheme());
        assertEquals(List.of("ban"), r.themes().get(0).matchedTerms());
    }

    @Test
    void invalidJsonNamesLineAndColumn() throws Exception {
        ThemeRulesException e = failure("{\n  \"version\": \"x\",\n  \"themes\": {\n    \"AI\": { \"threshold\": 0.5,, }\n  }\n}\n");
        assertTrue(e.getMessage().contains("rules.json:4:"), e.getMessage());
        assertTrue(e.getMessage().contains("invalid JSON"), e.getMessage());
    }

    @Test
    void unknownKeyNamesItsPathAndLine() throws Exception {
        ThemeRulesException e = failure(MINIMAL.replace("\"threshold\": 0.3,", "\"threshold\": 0.3,\n      \"treshold\": 0.4,"));
        assertTrue(e.getMessage().contains("themes.CRYPTO_BAN.treshold"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown key"), e.getMessage());
        assertTrue(e.getMessage().contains("rules.json:6:"), e.getMessage());
    }

    @Test
    void missingThresholdNamesTheKey() throws Exception {
        ThemeRulesException e = failure(MINIMAL.replace("\"threshold\": 0.3,", ""));
        assertTrue(e.getMessage().contains("themes.CRYPTO_BAN.threshold"), e.getMessage());
        assertTrue(e.getMessage().contains("missing"), e.getMessage());
    }

    @Test
    void badWeightsNameTheTerm() throws Exception {
        for (String bad : new String[]{"-1", "0", "\"heavy\"", "1000"}) {
            ThemeRulesException e = failure(MINIMAL.replace("\"ban\": 3", "\"ban\": " + bad));
            assertTrue(e.getMessage().contains("themes.CRYPTO_BAN.terms.ban"), e.getMessage());
            assertTrue(e.getMessage().contains("weight"), e.getMessage());
            assertTrue(e.getMessage().contains("rules.json:6:"), e.getMessage());
        }
    }

    @Test
    void unknownThemeCodeInAReferenceIsReported() throws Exception {
        ThemeRulesException e = failure(MINIMAL.replace("\"threshold\": 0.3,", "\"threshold\": 0.3, \"suppressedBy\": {\"CBCD\": 0.5},"));
        assertTrue(e.getMessage().contains("themes.CRYPTO_BAN.suppressedBy.CBCD"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown theme code"), e.getMessage());
    }

    @Test
    void emptyTermsAreReported() throws Exception {
        ThemeRulesException e = failure(MINIMAL.replace("{\"ban\": 3}", "{}"));
        assertTrue(e.getMessage().contains("themes.CRYPTO_BAN.terms"), e.getMessage());
    }

    @Test
    void otherMistakesAreReportedWithTheirKeyPath() throws Exception {
        assertTrue(failure(MINIMAL.replace("\"version\": \"test-1\",", "")).getMessage().contains("version"));
        assertTrue(failure(MINIMAL.replace("\"ban\": 3", "\"Ban\": 3")).getMessage().contains("lower case"));
        assertTrue(failure(MINIMAL.replace("\"threshold\": 0.3", "\"threshold\": 1.5")).getMessage().contains("themes.CRYPTO_BAN.threshold"));
        assertTrue(failure(MINIMAL.replace("\"threshold\": 0.3,", "\"threshold\": 0.3, \"context\": [{\"words\": [\"not\"], \"factor\": 0.1, \"terms\": [\"bann\"]}],"))
                .getMessage().contains("themes.CRYPTO_BAN.context[0].terms"));
        assertTrue(failure("[1, 2]").getMessage().contains("JSON object"));
        assertTrue(failure(MINIMAL.replace("\"version\"", "\"scoring\": {\"titleWieght\": 2}, \"version\"")).getMessage().contains("scoring.titleWieght"));
    }

    @Test
    void aMissingFileIsAThemeRulesException() {
        ThemeRulesException e = assertThrows(ThemeRulesException.class, () -> ThemeClassifier.fromFile(dir.resolve("nope.json")));
        assertTrue(e.getMessage().contains("nope.json"));
    }

    @Test
    void aFifthThemeCanBeAddedByEditingOnlyTheFile() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root;
        try (InputStream in = ThemeClassifier.class.getResourceAsStream("/themes.json")) {
            root = (ObjectNode) mapper.readTree(in);
        }
        ObjectNode quantum = ((ObjectNode) root.get("themes")).putObject("QUANTUM");
        quantum.put("threshold", 0.5);
        quantum.putObject("terms").put("quantum computer", 4).put("qubit", 3).put("post-quantum cryptography", 4);
        quantum.putObject("acronyms").put("PQC", 3);
        root.put("version", "test-quantum");
        Path f = dir.resolve("five.json");
        mapper.writerWithDefaultPrettyPrinter().writeValue(f.toFile(), root);

        ThemeClassifier c = ThemeClassifier.fromFile(f);
        assertEquals(List.of("CBDC", "CRYPTO_BAN", "BLOCKCHAIN_PLATFORM", "AI", "QUANTUM"), c.themeCodes());
        Classification r = c.classify("Quantum computers threaten bitcoin keys",
                List.of("A quantum computer with enough qubits could break the signatures; developers plan post-quantum cryptography (PQC).",
                        "Quantum computers are still years away, researchers said."));
        assertEquals("QUANTUM", r.primaryTheme(), r.scores().toString());
        ThemeScore q = r.themes().get(0);
        assertTrue(q.matchedTerms().contains("quantum computer"));
        assertEquals(List.of("QUANTUM"), r.paragraphThemes().get(0));
        assertTrue(r.scores().containsKey("QUANTUM"));
    }

    // ------------------------------------------------------------------ the learned layer

    private static final String BAN_TITLE = "China bans bitcoin mining";
    private static final List<String> BAN_BODY = List.of(
            "China's central bank banned bitcoin mining and crypto trading on Friday, extending its crackdown.",
            "The ban covers all exchanges, the People's Bank of China said.");

    private static ObjectNode shippedRules(ObjectMapper mapper) throws Exception {
        try (InputStream in = ThemeClassifier.class.getResourceAsStream("/themes.json")) {
            return (ObjectNode) mapper.readTree(in);
        }
    }

    private static String shippedModelText() throws Exception {
        try (InputStream in = ThemeClassifier.class.getResourceAsStream("/theme-model.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Writes the shipped rules, pointing at {@code modelName} beside them, as {@code rulesName}; returns its path. */
    private Path shippedRulesWithModel(ObjectMapper mapper, String rulesName, String modelName) throws Exception {
        ObjectNode root = shippedRules(mapper);
        root.put("model", modelName);
        Path f = dir.resolve(rulesName);
        mapper.writeValue(f.toFile(), root);
        return f;
    }

    @Test
    void theShippedRulesNameTheirModelAndEveryAssignedThemeStillHasMatchedTerms() throws Exception {
        ThemeClassifier c = ThemeClassifier.defaults();
        assertTrue(c.model() != null, c.describe());
        assertTrue(c.describe().contains("model"), c.describe());
        Classification r = c.classify(BAN_TITLE, BAN_BODY);
        assertEquals("CRYPTO_BAN", r.primaryTheme(), r.scores().toString());
        String explained = c.explain("China bans bitcoin mining", List.of("The ban covers all exchanges."));
        assertTrue(explained.contains("sentenceShare=") && explained.contains("model p="), explained);
        for (ThemeScore s : r.themes()) {
            assertTrue(!s.matchedTerms().isEmpty());
            assertTrue(s.score() >= c.threshold(s.theme()));
        }
    }

    @Test
    void aModelFileBesideTheRulesIsUsedAndABadOneNamesTheKey() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Path f = shippedRulesWithModel(mapper, "with-model.json", "my-model.json");
        // not beside the rules and not on the classpath: fail, naming the key
        ThemeRulesException missing = assertThrows(ThemeRulesException.class, () -> ThemeClassifier.fromFile(f));
        assertTrue(missing.getMessage().contains("model"), missing.getMessage());
        // a model with the wrong number of weights names the theme and key
        String shipped = shippedModelText();
        ObjectNode model = (ObjectNode) mapper.readTree(shipped);
        ((ObjectNode) model.get("themes").get("AI")).putArray("weights").add(1.0);
        mapper.writeValue(dir.resolve("my-model.json").toFile(), model);
        ThemeRulesException bad = assertThrows(ThemeRulesException.class, () -> ThemeClassifier.fromFile(f));
        assertTrue(bad.getMessage().contains("themes.AI.weights"), bad.getMessage());
        // a valid copy beside the rules is used
        Files.writeString(dir.resolve("my-model.json"), shipped);
        assertTrue(ThemeClassifier.fromFile(f).model() != null);
    }

    @Test
    void rulesWithoutAModelAreDecidedByTheirThresholds() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = shippedRules(mapper);
        root.remove("model");
        Path f = dir.resolve("no-model.json");
        mapper.writeValue(f.toFile(), root);
        ThemeClassifier c = ThemeClassifier.fromFile(f);
        assertTrue(c.model() == null);
        assertEquals(0.65, c.threshold("AI"), 1e-9);
    }

    @Test
    void perTermWeightsInTheModelAreApplied() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Path f = shippedRulesWithModel(mapper, "terms.json", "terms-model.json");
        String title = BAN_TITLE;
        List<String> body = BAN_BODY;
        ObjectNode model = (ObjectNode) mapper.readTree(shippedModelText());
        ((ObjectNode) model.get("themes").get("CRYPTO_BAN")).putObject("termWeights").put("ban", -50.0);
        mapper.writeValue(dir.resolve("terms-model.json").toFile(), model);
        Classification r = ThemeClassifier.fromFile(f).classify(title, body);
        assertTrue(r.scores().get("CRYPTO_BAN") < 0.01, r.scores().toString());
        ((ObjectNode) model.get("themes").get("CRYPTO_BAN")).putObject("termWeights").put("ban", "x");
        mapper.writeValue(dir.resolve("terms-model.json").toFile(), model);
        ThemeRulesException bad = assertThrows(ThemeRulesException.class, () -> ThemeClassifier.fromFile(f));
        assertTrue(bad.getMessage().contains("themes.CRYPTO_BAN.termWeights.ban"), bad.getMessage());
    }

    @Test
    void textWeightsInTheModelSetTheTextScoreAndABadTextBlockNamesTheKey() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        Path f = shippedRulesWithModel(mapper, "text.json", "text-model.json");
        String shipped = shippedModelText();
        String title = BAN_TITLE;
        List<String> body = BAN_BODY;
        // the shipped model's textScore is bias + sum of bucket weights / sqrt(tokens), over ThemeClassifier#textBuckets
        ThemeClassifier shippedC = ThemeClassifier.defaults();
        int ban = shippedC.themeCodes().indexOf("CRYPTO_BAN");
        double got = shippedC.features(title, body)[ban][ThemeClassifier.TEXT_SCORE];
        ObjectNode model = (ObjectNode) mapper.readTree(shipped);
        ObjectNode text = (ObjectNode) model.get("themes").get("CRYPTO_BAN").get("text");
        int[] buckets = shippedC.textBuckets(title, body);
        int tokens = -buckets[buckets.length - 1] - 1;
        double sum = 0;
        for (int k = 0; k < buckets.length - 1; k++) {
            sum += (float) text.get("weights").get(buckets[k]).doubleValue();
        }
        assertEquals(text.get("bias").doubleValue() + sum / Math.sqrt(tokens), got, 1e-5);
        assertTrue(got != 0.0);
        // the trainer's sparse vector gives the same score
        ThemeModelTrainer.SparseText sp = ThemeModelTrainer.sparseText(buckets);
        double[] w = new double[ThemeClassifier.TEXT_DIM];
        for (int b = 0; b < w.length; b++) {
            w[b] = (float) text.get("weights").get(b).doubleValue();
        }
        ThemeModelTrainer.Example ex = new ThemeModelTrainer.Example("x", "x", new double[0][], java.util.Set.of(),
                java.util.Set.of(), sp);
        assertEquals(got, new ThemeModelTrainer.TextFit(text.get("bias").doubleValue(), w).z(ex), 1e-4);
        // a strongly negative text bias pulls the theme's probability down: the text weights are applied
        text.put("bias", -500.0);
        mapper.writeValue(dir.resolve("text-model.json").toFile(), model);
        Classification r = ThemeClassifier.fromFile(f).classify(title, body);
        assertTrue(r.scores().get("CRYPTO_BAN") < shippedC.classify(title, body).scores().get("CRYPTO_BAN"), r.scores().toString());
        // the wrong number of text weights, or a model trained with another bucket count, names the key
        text.putArray("weights").add(1.0);
        mapper.writeValue(dir.resolve("text-model.json").toFile(), model);
        ThemeRulesException bad = assertThrows(ThemeRulesException.class, () -> ThemeClassifier.fromFile(f));
        assertTrue(bad.getMessage().contains("themes.CRYPTO_BAN.text.weights"), bad.getMessage());
        ObjectNode other = (ObjectNode) mapper.readTree(shipped);
        other.put("textBits", ThemeClassifier.TEXT_BITS + 1);
        mapper.writeValue(dir.resolve("text-model.json").toFile(), other);
        ThemeRulesException bits = assertThrows(ThemeRulesException.class, () -> ThemeClassifier.fromFile(f));
        assertTrue(bits.getMessage().contains("textBits"), bits.getMessage());
    }
}
