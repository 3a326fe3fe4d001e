package io.newsflow.dedup;

import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.PendingArticle;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.error.InvalidArticleException;
import io.newsflow.model.Article;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Step 1 of dedup, on the article's own partition: validates the article, fingerprints its paragraphs, and sends one
 * {@link ProbeBatch} per owner group that holds any of its keys. With several groups the article waits in the pending
 * store for their verdicts; with one it travels in its single probe instead.
 */
public final class ArticleFingerprinter implements Processor<String, Article, String, ProbeBatch> {

    static final int MAX_ID_LENGTH = 1000;

    private final String pendingStoreName;
    private final DedupSettings settings;
    private ProcessorContext<String, ProbeBatch> context;
    private KeyValueStore<String, PendingArticle> pending;

    public ArticleFingerprinter(String pendingStoreName, DedupSettings settings) {
        this.pendingStoreName = pendingStoreName;
        this.settings = settings;
    }

    @Override
    public void init(ProcessorContext<String, ProbeBatch> context) {
        this.context = context;
        this.pending = context.getStateStore(pendingStoreName);
    }

    @Override
    public void process(Record<String, Article> record) {
        Article article = validate(record.value());
        List<String> paragraphs = ArticleText.paragraphs(article);
        if (paragraphs.isEmpty()) {
            throw new InvalidArticleException("article " + article.id() + " has no text in its body");
        }
        List<Fingerprint> fingerprints = ArticleText.fingerprints(paragraphs);
        long version = ArticleText.version(article.title(), fingerprints);
        RecordMetadata source = context.recordMetadata().orElseThrow();
        long seq = source.offset();
        int partition = source.partition();

        Map<Integer, List<ParagraphProbe>> byGroup = new TreeMap<>();
        for (int i = 0; i < fingerprints.size(); i++) {
            Fingerprint f = fingerprints.get(i);
            Map<Integer, long[]> keysByGroup = new TreeMap<>();
            if (settings.ownerGroups() == 1) {
                keysByGroup.put(0, f.keys());
            } else {
                for (long key : f.keys()) {
                    keysByGroup.merge(settings.groupOf(key), new long[] {key}, ArticleFingerprinter::concat);
                }
            }
            for (Map.Entry<Integer, long[]> e : keysByGroup.entrySet()) {
                byGroup.computeIfAbsent(e.getKey(), g -> new ArrayList<>())
                        .add(new ParagraphProbe(i, f.exact(), f.signature(), e.getValue()));
            }
        }
        PendingArticle waiting = new PendingArticle(PendingArticle.headerOf(article), paragraphs, fingerprints, version,
                byGroup.size());
        if (settings.ownerGroups() == 1) {
            // one owner answers for every key: the article travels with its probe and is assembled there
            context.forward(record.withKey(article.id()).withValue(new ProbeBatch(article.id(), version, seq, partition,
                    0, byGroup.get(0), 1, waiting)));
            return;
        }
        pending.put(PendingKeys.of(article.id(), seq), waiting);
        for (Map.Entry<Integer, List<ParagraphProbe>> e : byGroup.entrySet()) {
            context.forward(record.withKey(article.id())
                    .withValue(new ProbeBatch(article.id(), version, seq, partition, e.getKey(), e.getValue(), byGroup.size())));
        }
    }

    private static Article validate(Article article) {
        if (article == null) {
            throw new InvalidArticleException("empty event: no article JSON");
        }
        if (article.id() == null || article.id().isBlank()) {
            throw new InvalidArticleException("article has no id");
        }
        if (article.id().length() > MAX_ID_LENGTH) {
            throw new InvalidArticleException("article id longer than " + MAX_ID_LENGTH + " characters");
        }
        if (article.body() == null || article.body().isBlank()) {
            throw new InvalidArticleException("article " + article.id() + " has no body");
        }
        return article;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
