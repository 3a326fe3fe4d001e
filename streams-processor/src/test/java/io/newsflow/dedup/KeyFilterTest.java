package io.newsflow.dedup;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyFilterTest {

    @Test
    void shouldNeverSayAnAddedKeyIsAbsentWhileGrowing() {
        KeyFilter filter = new KeyFilter();
        SplittableRandom random = new SplittableRandom(7);
        long[] keys = new long[1_000_000]; // 15 doublings past the first filter's capacity
        for (int i = 0; i < keys.length; i++) {
            keys[i] = ParagraphFingerprinter.mix(random.nextLong());
            filter.add(keys[i]);
        }
        for (long key : keys) {
            assertTrue(filter.mightContain(key), "an added key must never be reported absent");
        }
        assertEquals(keys.length, filter.size());
    }

    @Test
    void shouldReportMostKeysItNeverSawAsAbsent() {
        KeyFilter filter = new KeyFilter();
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 500_000; i++) {
            filter.add(ParagraphFingerprinter.mix(random.nextLong()));
        }
        int falsePositives = 0;
        int probes = 200_000;
        for (int i = 0; i < probes; i++) {
            if (filter.mightContain(ParagraphFingerprinter.mix(random.nextLong()))) {
                falsePositives++;
            }
        }
        // each filter answers "maybe" for ~1-2 % of unseen keys and several filters are asked: the owner still
        // skips the store lookup for the large majority of new keys
        double rate = (double) falsePositives / probes;
        assertTrue(rate < 0.06, "false-positive rate " + rate);
    }

    @Test
    void shouldStayAccurateOnTheKeysOneOwnerGroupSees() {
        // an owner of group g of G sees only keys = g mod G; 1 in 13 is an exact key (even), the rest band keys (odd)
        for (int groups : new int[] {3, 4, 8}) {
            KeyFilter filter = new KeyFilter();
            SplittableRandom random = new SplittableRandom(groups);
            int added = 0;
            while (added < 500_000) {
                long key = ownerKey(random, groups, added % 13 == 0);
                filter.add(key);
                added++;
            }
            int falsePositives = 0;
            int probes = 100_000;
            for (int i = 0; i < probes; i++) {
                if (filter.mightContain(ownerKey(random, groups, i % 13 == 0))) {
                    falsePositives++;
                }
            }
            double rate = (double) falsePositives / probes;
            assertTrue(rate < 0.06, groups + " groups: false-positive rate " + rate);
        }
    }

    /**
     * A random store key of owner group 1 of {@code groups}, as ParagraphFingerprinter makes them. With an even
     * group count that group only ever sees band keys (odd), so it gets no exact ones.
     */
    private static long ownerKey(SplittableRandom random, int groups, boolean exactWanted) {
        boolean exact = exactWanted && groups % 2 == 1;
        while (true) {
            long key = ParagraphFingerprinter.mix(random.nextLong());
            key = exact ? ParagraphFingerprinter.exactKey(key) : key | 1L;
            if (Long.remainderUnsigned(key, groups) == 1) {
                return key;
            }
        }
    }

    @Test
    void shouldForgetEverythingWhenCleared() {
        KeyFilter filter = new KeyFilter();
        for (long k = 1; k <= 1000; k++) {
            filter.add(ParagraphFingerprinter.mix(k));
        }
        filter.clear();
        int maybe = 0;
        for (long k = 1; k <= 1000; k++) {
            maybe += filter.mightContain(ParagraphFingerprinter.mix(k)) ? 1 : 0;
        }
        assertEquals(0, filter.size());
        assertFalse(maybe > 20, maybe + " of 1000 cleared keys still reported");
    }
}
