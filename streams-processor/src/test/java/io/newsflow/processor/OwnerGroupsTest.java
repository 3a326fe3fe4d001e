package io.newsflow.processor;

import io.newsflow.dedup.DedupSettings;
import io.newsflow.dedup.ParagraphFingerprinter;
import io.newsflow.dedup.ArticleText;
import io.newsflow.dedup.Fingerprint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnerGroupsTest {

    @Test
    void shouldRefuseAnEvenNumberOfOwnerGroupsForANewLayout() {
        for (int ok : new int[] {1, 3, 5, 7}) {
            assertDoesNotThrow(() -> StreamsProcessorApp.requireOddOwnerGroups(ok));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> StreamsProcessorApp.requireOddOwnerGroups(4));
        assertTrue(e.getMessage().contains("use 3 or 5"), e.getMessage());
    }

    @Test
    void shouldPutExactAndBandKeysInDisjointGroupsWhenTheCountIsEven() {
        // why the guard: exact keys are even and band keys odd, so key mod 2 separates them completely
        DedupSettings two = new DedupSettings(0.7, Duration.ofDays(30), 2);
        List<Fingerprint> fps = ArticleText.fingerprints(List.of("The central bank said the pilot of its digital "
                + "currency would extend to four more provinces next year, officials told reporters on Monday."));
        long[] keys = fps.get(0).keys();
        assertTrue(keys.length > 1);
        for (long key : keys) {
            int expected = ParagraphFingerprinter.isExactKey(key) ? 0 : 1;
            assertTrue(two.groupOf(key) == expected, "key " + key);
        }
    }
}
