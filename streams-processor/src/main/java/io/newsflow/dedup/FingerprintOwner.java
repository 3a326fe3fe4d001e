package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.TimestampedKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;

/**
 * Step 2 of dedup, on the owner partition of a group of keys: every key has exactly one owner task, so "first
 * seen" is the order of this partition's log, whatever partition or instance the article came from. Registers
 * keys nobody holds yet and answers which keys another article already holds.
 *
 * <p>Holders live in a timestamped key-value store: one point lookup per key, where a window store needs a range
 * fetch over its segments. A holder older than the retention counts as absent and is replaced; a stream-time
 * punctuator deletes expired holders every hour, so the store and its changelog stay bounded.
 */
public final class FingerprintOwner implements Processor<String, ProbeBatch, String, VerdictBatch> {

    static final Duration SWEEP_INTERVAL = Duration.ofHours(1);

    private final String storeName;
    private final long retentionMs;
    private ProcessorContext<String, VerdictBatch> context;
    private TimestampedKeyValueStore<Long, Holder> holders;

    public FingerprintOwner(String storeName, DedupSettings settings) {
        this.storeName = storeName;
        this.retentionMs = settings.retention().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, VerdictBatch> context) {
        this.context = context;
        this.holders = context.getStateStore(storeName);
        context.schedule(SWEEP_INTERVAL, PunctuationType.STREAM_TIME, this::deleteExpired);
    }

    @Override
    public void process(Record<String, ProbeBatch> record) {
        ProbeBatch batch = record.value();
        long now = record.timestamp();
        List<Hit> hits = new ArrayList<>();
        for (ParagraphProbe p : batch.paragraphs()) {
            long[] bands = null;
            Holder mine = null;
            for (long key : p.keys()) {
                ValueAndTimestamp<Holder> held = holders.get(key);
                if (held == null || held.timestamp() < now - retentionMs) {
                    if (mine == null) {
                        mine = new Holder(batch.articleId(), batch.version(), p.index(), p.exact(), p.signature());
                    }
                    holders.put(key, ValueAndTimestamp.make(mine, now));
                    continue;
                }
                Holder holder = held.value();
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
        }
        context.forward(record.withValue(
                new VerdictBatch(batch.articleId(), batch.seq(), batch.sourcePartition(), batch.group(), hits)));
    }

    private void deleteExpired(long streamTime) {
        long cutoff = streamTime - retentionMs;
        List<Long> expired = new ArrayList<>();
        try (KeyValueIterator<Long, ValueAndTimestamp<Holder>> all = holders.all()) {
            while (all.hasNext()) {
                KeyValue<Long, ValueAndTimestamp<Holder>> e = all.next();
                if (e.value.timestamp() < cutoff) {
                    expired.add(e.key);
                }
            }
        }
        expired.forEach(holders::delete);
    }
}
