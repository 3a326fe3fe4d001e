package io.newsflow.classify;

import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.ThemeScore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ThemeClassifierTest {

    private static final ThemeClassifier DEFAULTS = ThemeClassifier.defaults();

    private static Set<String> themes(Classification c) {
        Set<String> out = new TreeSet<>();
        for (ThemeScore s : c.themes()) {
            out.add(s.theme());
        }
        return out;
    }

    private static Classification classify(String title, String... paragraphs) {
        return DEFAULTS.classify(title, List.of(paragraphs));
    }

    // ------------------------------------------------------------------ seeds

    @Test
    void seedArticlesGetTheirLabelledThemes() throws Exception {
        Map<String, Set<String>> expected = Map.of(
                "000_4a9daba0dc685a20", Set.of("CBDC", "AI"),
                "001_6ef4ba3d45813793", Set.of("CBDC", "CRYPTO_BAN", "BLOCKCHAIN_PLATFORM"),
                "002_ad7f32983f5196f5", Set.of("BLOCKCHAIN_PLATFORM"),
                "003_9a9345272cd59371", Set.of("BLOCKCHAIN_PLATFORM"),
                "004_7f3748741d6b387d", Set.of("AI"));
        List<Article> seeds = ArticleFiles.readAll(TestFiles.seeds());
        assertEquals(5, seeds.size());
        for (Article a : seeds) {
            Classification c = DEFAULTS.classify(a.title(), a.paragraphs());
            assertEquals(expected.get(a.id()), themes(c), a.id() + " scores " + c.scores());
        }
    }

    @Test
    void everyAssignedThemeCarriesMatchedTermsAndEveryParagraphGetsAnEntry() throws Exception {
        for (Article a : ArticleFiles.readAll(TestFiles.seeds())) {
            List<String> paragraphs = a.paragraphs();
            Classification c = DEFAULTS.classify(a.title(), paragraphs);
            assertEquals(paragraphs.size(), c.paragraphThemes().size(), a.id());
            assertEquals(DEFAULTS.themeCodes(), List.copyOf(c.scores().keySet()));
            double previous = Double.MAX_VALUE;
            for (ThemeScore s : c.themes()) {
                assertFalse(s.matchedTerms().isEmpty(), a.id() + " " + s.theme());
                assertTrue(s.score() >= DEFAULTS.threshold(s.theme()));
                assertTrue(s.score() <= previous, "highest score first");
                previous = s.score();
            }
        }
    }

    @Test
    void eachParagraphCarriesItsOwnThemes() {
        Classification c = classify("Weekly roundup",
                "The People's Bank of China expanded its digital yuan pilot, the central bank digital currency (CBDC) now reaching ten cities.",
                "Markets were quiet on Tuesday.",
                "Nepal's central bank banned all cryptocurrency trading and mining, and police began a crackdown on crypto exchanges.");
        assertEquals(List.of("CBDC"), c.paragraphThemes().get(0));
        assertEquals(List.of(), c.paragraphThemes().get(1));
        assertEquals(List.of("CRYPTO_BAN"), c.paragraphThemes().get(2));
    }

    @Test
    void emptyInputHasNoThemeAndNoPrimaryTheme() {
        Classification c = DEFAULTS.classify(null, List.of());
        assertTrue(c.themes().isEmpty());
        assertNull(c.primaryTheme());
        assertEquals(4, c.scores().size());
        c = DEFAULTS.classify("", null);
        assertTrue(c.paragraphThemes().isEmpty());
    }

    @Test
    void primaryThemeIsTheHighestScoringAssignedTheme() {
        Classification c = classify("China bans bitcoin mining and trading",
                "China's central bank banned cryptocurrency trading and ordered a crackdown on bitcoin mining.",
                "The ban extends earlier prohibitions on crypto exchanges.");
        assertEquals("CRYPTO_BAN", c.primaryTheme());
        assertTrue(c.themes().get(0).matchedTerms().contains("ban"));
    }

    // ------------------------------------------------------------------ acronyms and case

    @Test
    void aiAcronymFiresOnlyAsAWholeUpperCaseWord() {
        String text = "Said a trader in Dubai and Thailand: the rain in Spain fell mainly on the plain. ";
        Classification none = classify("Markets in Dubai", text + text, "Tags Ai", "Ai");
        assertEquals(0.0, none.scores().get("AI"));
        Classification yes = classify("AI startup raises funds",
                "An AI startup building AI models raised $100 million to train its AI agents.",
                "The AI company said its models beat rivals.");
        assertTrue(themes(yes).contains("AI"), yes.scores().toString());
        assertTrue(yes.themes().get(0).matchedTerms().contains("AI"));
    }

    @Test
    void cbdcDcepAndBsnAreCaseSensitive() {
        Classification lower = classify("cbdc dcep bsn", "the cbdc and dcep and bsn words in lower case", "cbdc dcep bsn");
        assertEquals(0.0, lower.scores().get("CBDC"));
        assertEquals(0.0, lower.scores().get("BLOCKCHAIN_PLATFORM"));
        Classification upper = classify("China's DCEP and the BSN",
                "The DCEP, China's CBDC, will be tested on the BSN.", "The BSN and the CBDC pilot.");
        assertTrue(upper.scores().get("CBDC") > 0.5);
        assertTrue(upper.scores().get("BLOCKCHAIN_PLATFORM") > 0);
    }

    @Test
    void aiInsideATokenNameOrTickerIsDiscounted() {
        double product = classify("Update", "The AI model was released by the lab.").scores().get("AI");
        double token = classify("Update", "The AI token rallied after the listing.").scores().get("AI");
        assertTrue(token < product, token + " < " + product);
    }

    // ------------------------------------------------------------------ inflections and context

    @ParameterizedTest
    @ValueSource(strings = {"ban", "bans", "banned", "banning"})
    void everyInflectionOfBanIsEvidence(String form) {
        Classification c = classify("Regulator " + form + " crypto trading",
                "The regulator " + form + " cryptocurrency trading on local exchanges.");
        assertTrue(c.scores().get("CRYPTO_BAN") > 0, form);
        assertTrue(themes(c).contains("CRYPTO_BAN"), form + " " + c.scores());
        assertTrue(c.themes().get(0).matchedTerms().contains("ban"), form);
    }

    @Test
    void liftingABanIsStillAboutTheBan() {
        Classification c = classify("Bolivia lifts ban on bitcoin and crypto payments",
                "Bolivia's central bank lifted the ban on cryptocurrency payments through banks.");
        assertTrue(themes(c).contains("CRYPTO_BAN"), c.scores().toString());
    }

    @Test
    void aDeniedBanScoresBelowAnImposedOne() {
        double imposed = classify("Update", "The government said it will ban crypto exchanges.").scores().get("CRYPTO_BAN");
        double denied = classify("Update", "The government said it has no ban on crypto exchanges.").scores().get("CRYPTO_BAN");
        assertTrue(denied < imposed / 2, denied + " vs " + imposed);
    }

    @Test
    void aBanOnSomethingOtherThanCryptoIsDiscounted() {
        double crypto = classify("Update", "The country will ban bitcoin mining next year.").scores().get("CRYPTO_BAN");
        double other = classify("Update", "The country will ban single-use plastic bags next year.").scores().get("CRYPTO_BAN");
        assertTrue(other < crypto / 2, other + " vs " + crypto);
    }

    @Test
    void aStablecoinDigitalDollarIsNotACbdc() {
        Classification c = classify("Circle's digital dollar grows",
                "USDC, the stablecoin digital dollar issued by Circle, grew its supply.",
                "The stablecoin digital dollar is used on many exchanges.");
        assertFalse(themes(c).contains("CBDC"), c.scores().toString());
    }

    @Test
    void relatedPostsTeasersWeighLessThanTheArticle() {
        String cbdc = "The central bank digital currency (CBDC) pilot of the digital euro expands to more banks.";
        Classification body = classify("News", cbdc, cbdc.replace("pilot", "design"), "Other news.");
        Classification tail = classify("News", "Other news about markets today.",
                "Related Posts " + cbdc + " " + cbdc.replace("pilot", "design"));
        assertTrue(themes(body).contains("CBDC"));
        assertFalse(themes(tail).contains("CBDC"), tail.scores().toString());
    }

    @Test
    void aSinglePassingMentionDoesNotAssignATheme() {
        Classification c = classify("Bitcoin rises as traders return",
                "Bitcoin rose 3% on Monday as traders returned after the weekend.",
                "Volumes on major exchanges were higher than last week, analysts said.",
                "Separately, the digital euro project continued its preparation phase.",
                "Ether also gained.");
        assertFalse(themes(c).contains("CBDC"), c.scores().toString());
    }

    // ------------------------------------------------------------------ concurrency

    @Test
    void concurrentCallsGiveTheSameResultsAsSequentialOnes() throws Exception {
        List<Article> seeds = ArticleFiles.readAll(TestFiles.seeds());
        List<Classification> expected = new ArrayList<>();
        for (Article a : seeds) {
            expected.add(DEFAULTS.classify(a.title(), a.paragraphs()));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Boolean>> futures = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                futures.add(pool.submit(() -> {
                    for (int r = 0; r < 50; r++) {
                        for (int i = 0; i < seeds.size(); i++) {
                            Article a = seeds.get(i);
                            if (!expected.get(i).equals(DEFAULTS.classify(a.title(), a.paragraphs()))) {
                                return false;
                            }
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> f : futures) {
                assertTrue(f.get());
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
