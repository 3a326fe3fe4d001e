package io.newsflow.processor;

import io.newsflow.dedup.DedupSettings;
import io.newsflow.dedup.ParagraphFingerprinter;
import io.newsflow.dedup.ArticleText;
import io.newsflow.dedup.Fingerprint;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.ToIntFunction;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OwnerGroupsTest {

    private static final String APP = "app";
    private static final String PROBES = "app-dedup-probes-repartition";
    private static final String REGISTRATIONS = "app-dedup-registrations-changelog";

    /** Partition counts of the topics that exist; -1 for any other, as TopicAdmin.partitions answers. */
    private static ToIntFunction<String> cluster(Map<String, Integer> topics) {
        return topic -> topics.getOrDefault(topic, -1);
    }

    @Test
    void shouldRefuseAnEvenNumberOfOwnerGroupsForANewLayout() {
        for (int ok : new int[] {1, 3, 5, 7}) {
            assertDoesNotThrow(() -> DedupSettings.requireNewLayoutCount(ok));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DedupSettings.requireNewLayoutCount(4));
        assertTrue(e.getMessage().contains("use 3 or 5"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> OwnerGroupLayout.decide(APP, 2, cluster(Map.of())));
    }

    @Test
    void shouldUseTheConfiguredCountWhenTheApplicationHasNoDedupStateYet() {
        assertEquals(1, OwnerGroupLayout.decide(APP, 1, cluster(Map.of())));
        assertEquals(5, OwnerGroupLayout.decide(APP, 5, cluster(Map.of("other-app-dedup-probes-repartition", 3))));
    }

    @Test
    void shouldKeepTheCountTheStateWasCreatedWithWhateverIsConfigured() {
        assertEquals(3, OwnerGroupLayout.decide(APP, 1, cluster(Map.of(PROBES, 3, REGISTRATIONS, 3))));
        // an existing even layout keeps working
        assertEquals(4, OwnerGroupLayout.decide(APP, 1, cluster(Map.of(PROBES, 4))));
        // the probe topic is gone (deleted by hand) but the registrations are not: they still say where keys live
        assertEquals(3, OwnerGroupLayout.decide(APP, 1, cluster(Map.of(REGISTRATIONS, 3))));
    }

    @Test
    void shouldRefuseToStartWhenTheProbeTopicAndTheRegistrationsDisagree() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> OwnerGroupLayout.decide(APP, 1, cluster(Map.of(PROBES, 1, REGISTRATIONS, 3))));
        assertTrue(e.getMessage().contains("--reset"), e.getMessage());
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
