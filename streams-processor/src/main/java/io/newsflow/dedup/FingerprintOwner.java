package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DedupRecords.IndexEntry;
import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.dedup.DedupRecords.Registration;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Step 2 of dedup, on the owner partition of a group of keys: every key has exactly one owner task, so "first
 * seen" is the order of this partition's log, whatever partition or instance the article came from. Registers
 * keys nobody holds yet and answers which keys another article already holds.
 *
 * <p>Two stores. The <b>registrations</b> store is the durable one (changelogged): one record per probe batch that
 * won any key, under the probe's offset, holding those paragraphs and the keys each won. The <b>index</b> (key →
 * first holder, one point lookup per key) is derived from it and not changelogged: a new paragraph costs one
 * changelog record per owner group instead of one per key (13), which was most of the owners' send path. The index
 * records under {@link ParagraphFingerprinter#RESERVED_KEY} the offset of the last probe it applied; at the first
 * probe after a start it is checked against that probe's offset and rebuilt from the registrations when it is
 * behind or ahead of them (lost local state, a crash that left writes of an aborted transaction, a new instance).
 * An index entry points to the registration holding the paragraph ({@link IndexEntry}), which is read on a hit.
 *
 * <p>A RocksDB lookup costs several µs through JNI, and most keys of a new paragraph are held by nobody, so a Bloom
 * filter of the index's keys ({@link KeyFilter}, in memory, refilled at start) answers those without a lookup.
 *
 * <p>A holder older than the retention counts as absent and is replaced; a stream-time punctuator deletes expired
 * registrations and their index entries every hour, so both stores and the changelog stay bounded.
 */
public final class FingerprintOwner implements Processor<String, ProbeBatch, String, VerdictBatch> {

    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);
    private static final Logger LOG = LoggerFactory.getLogger(FingerprintOwner.class);
    /**
     * The index's bookkeeping entry, under {@link ParagraphFingerprinter#RESERVED_KEY}: its timestamp is the offset of
     * the probe being applied ({@code APPLYING}) or last applied ({@code APPLIED}). RocksDB keeps a prefix of the
     * writes when a memtable is lost, so "applying x" on disk means some of x's entries may be there.
     */
    private static final IndexEntry APPLYING = new IndexEntry(-1, 0);
    private static final IndexEntry APPLIED = new IndexEntry(-1, 1);

    private final String indexStoreName;
    private final String registrationStoreName;
    private final long retentionMs;
    private ProcessorContext<String, VerdictBatch> context;
    private TimestampedKeyValueStore<Long, IndexEntry> index;
    private TimestampedKeyValueStore<Long, Registration> registrations;
    private boolean indexChecked;
    /**
     * Every key the index may hold: filled when the index is checked and refilled from the index after a sweep, so it
     * follows the keys within the retention rather than every key ever won.
     */
    private final KeyFilter indexKeys = new KeyFilter();

    public FingerprintOwner(String indexStoreName, String registrationStoreName, DedupSettings settings) {
        this.indexStoreName = indexStoreName;
        this.registrationStoreName = registrationStoreName;
        this.retentionMs = settings.retention().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, VerdictBatch> context) {
        this.context = context;
        this.index = context.getStateStore(indexStoreName);
        this.registrations = context.getStateStore(registrationStoreName);
        this.indexChecked = false;
        context.schedule(SWEEP_INTERVAL, PunctuationType.STREAM_TIME, this::deleteExpired);
    }

    @Override
    public void process(Record<String, ProbeBatch> record) {
        long offset = context.recordMetadata().map(RecordMetadata::offset)
                .orElseThrow(() -> new IllegalStateException("a probe batch without an input offset"));
        if (!indexChecked) {
            reconcileIndex(offset);
            indexChecked = true;
        }
        mark(APPLYING, offset);
        ProbeBatch batch = record.value();
        long now = record.timestamp();
        List<Hit> hits = new ArrayList<>();
        List<ParagraphProbe> won = new ArrayList<>();
        // the keys this batch wins go to the index in one write batch at the end (one JNI call, not one per key)
        List<KeyValue<Long, ValueAndTimestamp<IndexEntry>>> puts = new ArrayList<>();
        Map<Long, Registration> holders = new HashMap<>(); // registrations this batch's hits point to, read once
        for (ParagraphProbe p : batch.paragraphs()) {
            long[] bands = null;
            ValueAndTimestamp<IndexEntry> mine = null;
            long[] wonKeys = new long[p.keys().length];
            int wonCount = 0;
            for (long key : p.keys()) {
                // most keys of a new paragraph are in nobody's hands: the filter says so without a lookup
                boolean maybeHeld = indexKeys.mightContain(key);
                ValueAndTimestamp<IndexEntry> held = maybeHeld ? index.get(key) : null;
                Holder holder = held == null || held.timestamp() < now - retentionMs ? null
                        : holderOf(held.value(), holders);
                if (holder == null) {
                    if (maybeHeld && wonInBatch(puts, key)) {
                        continue; // an earlier paragraph of this article holds it; its write is still pending
                    }
                    if (mine == null) {
                        mine = ValueAndTimestamp.make(new IndexEntry(offset, won.size()), now);
                    }
                    puts.add(KeyValue.pair(key, mine));
                    indexKeys.add(key);
                    wonKeys[wonCount++] = key;
                    continue;
                }
                // Repeats inside one article (and an article's own earlier versions) are settled by the
                // assembler from the article alone, so they stay deterministic whatever this store holds.
                if (holder.articleId().equals(batch.articleId())) {
                    continue;
                }
                if (!ParagraphFingerprinter.isExactKey(key)) {
                    // Only hits the resolver can use travel back (DuplicateResolver.countsAsNearHit).
                    if (bands == null) {
                        bands = ParagraphFingerprinter.bandKeys(p.signature());
                    }
                    if (!DuplicateResolver.countsAsNearHit(key, p.exact(), bands, holder)) {
                        continue;
                    }
                }
                hits.add(new Hit(p.index(), key, holder));
            }
            if (wonCount > 0) {
                won.add(new ParagraphProbe(p.index(), p.exact(), p.signature(),
                        wonCount == wonKeys.length ? wonKeys : Arrays.copyOf(wonKeys, wonCount)));
            }
        }
        if (!won.isEmpty()) {
            registrations.put(offset, ValueAndTimestamp.make(new Registration(batch.articleId(), batch.version(), won), now));
        }
        // RocksDB applies a write batch whole or not at all, so the marker says "applied" only with all the keys
        puts.add(KeyValue.pair(ParagraphFingerprinter.RESERVED_KEY, ValueAndTimestamp.make(APPLIED, offset)));
        index.putAll(puts);
        context.forward(record.withValue(
                new VerdictBatch(batch.articleId(), batch.seq(), batch.sourcePartition(), batch.group(), hits,
                        batch.groupsAsked(), batch.article())));
    }

    /**
     * Makes the index hold exactly what the registrations of probes before {@code offset} registered. Every probe
     * before {@code offset} is in the (restored, committed) registrations store. The index may be behind it (empty
     * after lost local state or on a new instance, or a flush short of the last commit): the missing registrations
     * are applied again. Or it may be ahead (it applied probes at or after {@code offset} whose transaction was
     * aborted and which are now read again): it is then cleared and rebuilt.
     */
    private void reconcileIndex(long offset) {
        indexKeys.clear();
        ValueAndTimestamp<IndexEntry> marker = index.get(ParagraphFingerprinter.RESERVED_KEY);
        boolean rebuild;
        long from; // the first probe offset whose registration the index may lack
        if (marker == null) {
            rebuild = hasEntries(index); // entries without bookkeeping (an older layout): start over
            from = 0;
        } else {
            rebuild = marker.timestamp() >= offset; // it applied a probe that is now read again
            from = marker.value().equals(APPLIED) ? marker.timestamp() + 1 : marker.timestamp();
        }
        if (rebuild) {
            long removed = clear(index);
            LOG.info("dedup index of task {} is ahead of its registrations (index at probe offset {}, next {}): "
                    + "rebuilding it ({} entries dropped)", context.taskId(),
                    marker == null ? "unknown" : marker.timestamp(), offset, removed);
            from = 0;
        } else {
            fillKeyFilterFromIndex(); // the replay below adds what it applies
        }
        if (from < offset) {
            long[] counts = new long[2];
            try (KeyValueIterator<Long, ValueAndTimestamp<Registration>> missing = registrations.range(from, offset - 1)) {
                missing.forEachRemaining(e -> {
                    counts[0]++;
                    counts[1] += apply(e.key, e.value.value(), e.value.timestamp());
                });
            }
            if (counts[0] > 0) {
                LOG.info("dedup index of task {} rebuilt from {} registrations ({} keys), probe offsets {}..{}",
                        context.taskId(), counts[0], counts[1], from, offset - 1);
            }
        }
        if (indexKeys.size() > 0) {
            LOG.info("dedup index of task {}: key filter holds {} keys ({} KB)", context.taskId(), indexKeys.size(),
                    indexKeys.bytes() / 1024);
        }
    }

    /** Adds the keys the index holds to the key filter: one pass over its keys, whose values are 12 bytes. */
    private void fillKeyFilterFromIndex() {
        try (KeyValueIterator<Long, ValueAndTimestamp<IndexEntry>> all = index.all()) {
            while (all.hasNext()) {
                long key = all.next().key;
                if (key != ParagraphFingerprinter.RESERVED_KEY) {
                    indexKeys.add(key);
                }
            }
        }
    }

    private long apply(long offset, Registration registration, long timestamp) {
        long keys = 0;
        List<ParagraphProbe> paragraphs = registration.paragraphs();
        for (int i = 0; i < paragraphs.size(); i++) {
            ParagraphProbe p = paragraphs.get(i);
            ValueAndTimestamp<IndexEntry> entry = ValueAndTimestamp.make(new IndexEntry(offset, i), timestamp);
            for (long key : p.keys()) {
                index.put(key, entry);
                indexKeys.add(key);
                keys++;
            }
        }
        return keys;
    }

    /**
     * The holder an index entry points to. The sweep deletes a registration together with the entries that point to
     * it, but an entry can still dangle: a task that comes back to an instance after sweeps ran elsewhere finds an
     * older local index. A dangling entry counts as free and the key is taken over, as an expired one is.
     */
    private Holder holderOf(IndexEntry entry, Map<Long, Registration> read) {
        Registration r;
        if (read.containsKey(entry.registration())) {
            r = read.get(entry.registration());
        } else {
            ValueAndTimestamp<Registration> stored = registrations.get(entry.registration());
            r = stored == null ? null : stored.value();
            read.put(entry.registration(), r);
        }
        if (r == null || entry.paragraph() >= r.paragraphs().size()) {
            LOG.warn("dedup index of task {} points to registration {} paragraph {}, which is not stored; the key is "
                    + "registered again", context.taskId(), entry.registration(), entry.paragraph());
            return null;
        }
        return r.holder(r.paragraphs().get(entry.paragraph()));
    }

    private static boolean wonInBatch(List<KeyValue<Long, ValueAndTimestamp<IndexEntry>>> puts, long key) {
        for (KeyValue<Long, ValueAndTimestamp<IndexEntry>> p : puts) {
            if (p.key == key) {
                return true;
            }
        }
        return false;
    }

    private void mark(IndexEntry state, long offset) {
        index.put(ParagraphFingerprinter.RESERVED_KEY, ValueAndTimestamp.make(state, offset));
    }

    private static boolean hasEntries(TimestampedKeyValueStore<Long, IndexEntry> store) {
        try (KeyValueIterator<Long, ValueAndTimestamp<IndexEntry>> all = store.all()) {
            return all.hasNext();
        }
    }

    private static long clear(TimestampedKeyValueStore<Long, IndexEntry> store) {
        List<Long> keys = new ArrayList<>();
        try (KeyValueIterator<Long, ValueAndTimestamp<IndexEntry>> all = store.all()) {
            all.forEachRemaining(e -> keys.add(e.key));
        }
        keys.forEach(store::delete);
        return keys.size();
    }

    /** Deletes registrations older than the retention, and the index entries they still hold. */
    private void deleteExpired(long streamTime) {
        long cutoff = streamTime - retentionMs;
        List<KeyValue<Long, Registration>> expired = new ArrayList<>();
        try (KeyValueIterator<Long, ValueAndTimestamp<Registration>> all = registrations.all()) {
            while (all.hasNext()) {
                KeyValue<Long, ValueAndTimestamp<Registration>> e = all.next();
                if (e.value.timestamp() < cutoff) {
                    expired.add(KeyValue.pair(e.key, e.value.value()));
                }
            }
        }
        for (KeyValue<Long, Registration> e : expired) {
            for (ParagraphProbe p : e.value.paragraphs()) {
                for (long key : p.keys()) {
                    // a key re-registered since by a newer paragraph stays
                    ValueAndTimestamp<IndexEntry> held = index.get(key);
                    if (held != null && held.timestamp() < cutoff) {
                        index.delete(key);
                    }
                }
            }
            registrations.delete(e.key);
        }
        if (indexChecked && !expired.isEmpty()) {
            // the index now holds only live keys: refill the filter from it, so it follows the retention
            indexKeys.clear();
            fillKeyFilterFromIndex();
        }
    }
}
