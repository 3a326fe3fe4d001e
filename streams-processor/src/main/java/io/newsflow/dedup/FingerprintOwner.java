package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.Holder;
import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.state.WindowStoreIterator;

import java.util.ArrayList;
import java.util.List;

/**
 * Step 2 of dedup, on the owner partition of a group of keys: every key has exactly one owner task, so "first
 * seen" is the order of this partition's log, whatever partition or instance the article came from. Registers
 * keys nobody holds yet and answers which keys another article already holds. Holders expire with the window
 * store's retention (and its changelog with them).
 */
public final class FingerprintOwner implements Processor<String, ProbeBatch, String, VerdictBatch> {

    private final String storeName;
    private final long retentionMs;
    private ProcessorContext<String, VerdictBatch> context;
    private WindowStore<Long, Holder> holders;

    public FingerprintOwner(String storeName, DedupSettings settings) {
        this.storeName = storeName;
        this.retentionMs = settings.retention().toMillis();
    }

    @Override
    public void init(ProcessorContext<String, VerdictBatch> context) {
        this.context = context;
        this.holders = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, ProbeBatch> record) {
        ProbeBatch batch = record.value();
        long now = record.timestamp();
        List<Hit> hits = new ArrayList<>();
        for (ParagraphProbe p : batch.paragraphs()) {
            for (long key : p.keys()) {
                Holder holder = liveHolder(key, now);
                if (holder == null) {
                    holders.put(key, new Holder(batch.articleId(), batch.version(), p.index(), p.exact(), p.signature()), now);
                } else if (!holder.articleId().equals(batch.articleId())) {
                    // Repeats inside one article (and an article's own earlier versions) are settled by the
                    // assembler from the article alone, so they stay deterministic whatever this store holds.
                    hits.add(new Hit(p.index(), key, holder));
                }
            }
        }
        context.forward(record.withValue(
                new VerdictBatch(batch.articleId(), batch.seq(), batch.sourcePartition(), batch.group(), hits)));
    }

    private Holder liveHolder(long key, long now) {
        try (WindowStoreIterator<Holder> it = holders.fetch(key, Math.max(0, now - retentionMs), now + retentionMs)) {
            return it.hasNext() ? it.next().value : null;
        }
    }
}
