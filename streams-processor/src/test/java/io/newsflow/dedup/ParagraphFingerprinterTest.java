package io.newsflow.dedup;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParagraphFingerprinterTest {
    private final ParagraphFingerprinter fingerprinter = new ParagraphFingerprinter();

    @Test
    void shouldIgnoreCaseWhitespacePunctuationAndQuoteStyles() {
        Fingerprint a = fingerprinter.fingerprint("Alipay said: “We will stop it,” it’s final.");
        Fingerprint b = fingerprinter.fingerprint("  alipay SAID \"we will   stop it\", it's final ");
        assertEquals(a.exact(), b.exact());
        assertNotEquals(a.exact(), fingerprinter.fingerprint("Alipay said: we will not stop it, it's final.").exact());
    }

    @Test
    void shouldGiveShortParagraphsNoSignatureSoTheyOnlyMatchExactly() {
        Fingerprint shortOne = fingerprinter.fingerprint("Image via Shutterstock");
        assertNull(shortOne.signature());
        assertEquals(1, shortOne.keys().length);
        Fingerprint longOne = fingerprinter.fingerprint("The central bank said the digital yuan pilot would expand to ten more cities this year.");
        assertNotNull(longOne.signature());
        assertEquals(1 + ParagraphFingerprinter.BANDS, longOne.keys().length);
    }

    @Test
    void shouldProduceTheSameSignatureOnEveryMachineAndVersion() {
        // Golden values: changing the hashing silently would split the dedup state of a running deployment.
        Fingerprint f = fingerprinter.fingerprint("The People's Bank of China is testing its digital currency in four cities.");
        assertEquals(0x4E92FE804D9798D1L, f.exact(), Long.toHexString(f.exact()));
        assertEquals(22125, f.signature()[0]);
        assertEquals(-15157, f.signature()[63]);
        assertArrayEquals(f.signature(), new ParagraphFingerprinter().fingerprint(
                "the people’s bank of china is testing its digital currency in four cities").signature());
    }

    @Test
    void shouldEstimateResemblanceCloseToTheExactValue() {
        Random random = new Random(7);
        String[] words = "bank yuan wallet ledger token rule pilot merchant payment regulator exchange custody settlement network trade bond market city license audit report platform".split(" ");
        List<Double> errors = new ArrayList<>();
        for (int trial = 0; trial < 200; trial++) {
            StringBuilder a = new StringBuilder();
            for (int w = 0; w < 60; w++) {
                a.append(words[random.nextInt(words.length)]).append(' ');
            }
            String[] edited = a.toString().trim().split(" ");
            for (int e = random.nextInt(12); e > 0; e--) {
                edited[random.nextInt(edited.length)] = words[random.nextInt(words.length)];
            }
            String b = String.join(" ", edited);
            double exact = ParagraphFingerprinter.resemblance(a.toString(), b);
            double estimate = ParagraphFingerprinter.similarity(fingerprinter.fingerprint(a.toString()).signature(),
                    fingerprinter.fingerprint(b).signature());
            errors.add(Math.abs(exact - estimate));
        }
        double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        assertTrue(mean < 0.06, "mean absolute error of the estimate " + mean);
    }

    @Test
    void shouldScoreAFusedWordRepostAsANearCopy() {
        String a = "Several large market exchanges including Nasdaq, CBOE Holdings and CME Group have said they are planning to launch bitcoin futures.";
        String b = "Several large market exchanges including Nasdaq, CBOEHoldings and CME Group have said they are planning to launch bitcoin futures.";
        assertTrue(ParagraphFingerprinter.resemblance(a, b) >= 0.8);
    }
}
