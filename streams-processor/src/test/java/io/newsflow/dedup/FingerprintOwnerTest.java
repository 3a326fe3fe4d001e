package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.IndexEntry;
import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.dedup.DedupRecords.Registration;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The owner's key index is local only; these tests take it away or leave it ahead of the changelogged
 * registrations, the way a lost state directory or an aborted transaction does, and check the owner still answers
 * as if nothing had happened.
 */
class FingerprintOwnerTest {

    private static final String PROBES = "newsflow-dedup-probes-repartition";
    private static final String SHARED = "The central bank said the pilot of its digital currency would extend to four more provinces next year.";
    private static final String OTHER = "Shares of the exchange operator fell after it reported lower trading volumes for the third quarter.";
    private static final DedupSettings SETTINGS = new DedupSettings(0.7, Duration.ofDays(30), 1);

    private TimestampedKeyValueStore<Long, IndexEntry> index;
    private TimestampedKeyValueStore<Long, Registration> registrations;

    @BeforeEach
    void stores() {
        index = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore("index"), Serdes.Long(),
                DedupSerdes.indexEntry()).withLoggingDisabled().build();
        registrations = Stores.timestampedKeyValueStoreBuilder(Stores.inMemoryKeyValueStore("registrations"),
                Serdes.Long(), DedupSerdes.registration()).withLoggingDisabled().build();
    }

    @Test
    void shouldFindEarlierHoldersAfterItsIndexIsLost() {
        Owner first = new Owner();
        assertTrue(first.probe(0, "a", SHARED).isEmpty());
        long held = count(index);

        clear(index); // a new instance, or local state deleted: only the changelogged registrations are left
        Owner restarted = new Owner();
        List<Hit> hits = restarted.probe(1, "b", SHARED);

        assertRepeatOf("a", hits);
        assertEquals(held, count(index), "the index is whole again");
    }

    @Test
    void shouldForgetWhatAnAbortedTransactionRegisteredInTheIndex() {
        Owner first = new Owner();
        first.probe(0, "a", OTHER);
        first.probe(1, "b", SHARED);
        // the transaction holding offset 1 aborts: its registration never reaches the changelog, but the local
        // index already holds b's keys; the probe is read again after the restart
        registrations.delete(1L);
        Owner restarted = new Owner();
        assertTrue(restarted.probe(1, "b", SHARED).isEmpty(), "b is still the first holder of its paragraph");
        ValueAndTimestamp<Registration> again = registrations.get(1L);
        assertTrue(again != null && again.value().articleId().equals("b"),
                "b's keys are registered again, so a later rebuild still knows them");

        clear(index);
        Owner rebuilt = new Owner();
        List<Hit> hits = rebuilt.probe(2, "c", SHARED);
        assertRepeatOf("b", hits);
    }

    @Test
    void shouldAnswerTheSameWhenRestartedWithItsIndexIntact() {
        Owner first = new Owner();
        first.probe(0, "a", SHARED);
        Owner restarted = new Owner();
        List<Hit> hits = restarted.probe(1, "b", SHARED);
        assertRepeatOf("a", hits);
        assertEquals(1, count(registrations), "a repeat registers nothing");
    }

    /** The verdict says the paragraph is an exact repeat of {@code holder}'s (owners send back only the exact key then). */
    private static void assertRepeatOf(String holder, List<Hit> hits) {
        long exactKey = ParagraphFingerprinter.exactKey(ArticleText.fingerprints(List.of(SHARED)).get(0).exact());
        assertEquals(1, hits.size(), "one hit: " + hits);
        assertEquals(exactKey, hits.get(0).key());
        assertEquals(holder, hits.get(0).holder().articleId());
    }

    /** A fresh processor instance on the same stores, as after a restart. */
    private final class Owner {
        private final MockProcessorContext<String, VerdictBatch> context = new MockProcessorContext<>(new Properties());
        private final FingerprintOwner owner = new FingerprintOwner("index", "registrations", SETTINGS);

        Owner() {
            index.init(context.getStateStoreContext(), index);
            registrations.init(context.getStateStoreContext(), registrations);
            context.addStateStore(index);
            context.addStateStore(registrations);
            owner.init(context);
        }

        List<Hit> probe(long offset, String articleId, String paragraph) {
            Fingerprint f = ArticleText.fingerprints(List.of(paragraph)).get(0);
            ProbeBatch batch = new ProbeBatch(articleId, 1, offset, 0, 0,
                    List.of(new ParagraphProbe(0, f.exact(), f.signature(), f.keys())), 1);
            context.setRecordMetadata(PROBES, 0, offset);
            context.resetForwards();
            owner.process(new Record<>(articleId, batch, 1_000L + offset));
            List<MockProcessorContext.CapturedForward<? extends String, ? extends VerdictBatch>> out = context.forwarded();
            assertEquals(1, out.size(), "one verdict per probe");
            return out.get(0).record().value().hits();
        }
    }

    private static long count(TimestampedKeyValueStore<Long, ?> store) {
        long n = 0;
        try (KeyValueIterator<Long, ?> it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    private static void clear(TimestampedKeyValueStore<Long, ?> store) {
        List<Long> keys = new ArrayList<>();
        try (KeyValueIterator<Long, ?> it = store.all()) {
            it.forEachRemaining(e -> keys.add(e.key));
        }
        keys.forEach(store::delete);
    }
}
