package io.newsflow.dedup;

import io.newsflow.classify.Classification;
import io.newsflow.classify.ThemeClassifier;
import io.newsflow.dedup.DedupRecords.Hit;
import io.newsflow.dedup.DedupRecords.PendingArticle;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import io.newsflow.dedup.DuplicateResolver.Decision;
import io.newsflow.model.Article;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.KeptParagraph;
import io.newsflow.model.RemovedParagraph;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 3 of dedup: collects the verdict of every owner group the article asked, removes the repeated paragraphs,
 * classifies the kept ones and emits the enriched article. It runs back on the article's partition, where the
 * article is parked, or ({@link #forCarriedArticles}) in the owner's task when the verdict carries the article.
 */
public final class ArticleAssembler implements Processor<String, VerdictBatch, String, EnrichedArticle> {
    private static final Logger log = LoggerFactory.getLogger(ArticleAssembler.class);

    private final String pendingStoreName;
    private final String verdictStoreName;
    private final DuplicateResolver resolver;
    private final ThemeClassifier classifier;
    private ProcessorContext<String, EnrichedArticle> context;
    private KeyValueStore<String, PendingArticle> pending;
    private KeyValueStore<String, VerdictBatch> received;

    public ArticleAssembler(String pendingStoreName, String verdictStoreName, DedupSettings settings,
                            ThemeClassifier classifier) {
        this.pendingStoreName = pendingStoreName;
        this.verdictStoreName = verdictStoreName;
        this.resolver = new DuplicateResolver(settings.nearThreshold());
        this.classifier = classifier;
    }

    /**
     * The assembler in the owner's task, for verdicts that carry their article (one owner group): no stores, since
     * nothing is parked or collected.
     */
    public static ArticleAssembler forCarriedArticles(DedupSettings settings, ThemeClassifier classifier) {
        return new ArticleAssembler(null, null, settings, classifier);
    }

    @Override
    public void init(ProcessorContext<String, EnrichedArticle> context) {
        this.context = context;
        if (pendingStoreName != null) {
            this.pending = context.getStateStore(pendingStoreName);
            this.received = context.getStateStore(verdictStoreName);
        }
    }

    @Override
    public void process(Record<String, VerdictBatch> record) {
        VerdictBatch verdict = record.value();
        if (verdict.article() != null) {
            context.forward(record.withKey(verdict.articleId()).withValue(enrich(verdict.article(), List.of(verdict))));
            return;
        }
        if (pending == null) {
            throw new IllegalStateException("verdict for " + verdict.articleId() + " without its article reached the "
                    + "owner-side assembler");
        }
        String key = PendingKeys.of(verdict.articleId(), verdict.seq());
        // The parked article (the largest record here) is read once, at the last verdict, when the verdict says how
        // many groups were asked; verdicts written before they carried it read it every time.
        PendingArticle waiting = null;
        int expected = verdict.groupsAsked();
        if (expected <= 0) {
            waiting = parked(key, verdict);
            if (waiting == null) {
                return;
            }
            expected = waiting.groupsExpected();
        }
        if (expected == 1) {
            // one owner group asked (the default of one group): nothing to collect, so no verdict store round trip; a
            // repeated verdict finds no parked article and is ignored
            waiting = waiting != null ? waiting : parked(key, verdict);
            if (waiting != null) {
                pending.delete(key);
                context.forward(record.withKey(verdict.articleId()).withValue(enrich(waiting, List.of(verdict))));
            }
            return;
        }
        // Verdicts wait under their own small keys, so the parked article is written once, not once per verdict.
        String verdictKey = key + '\u0001' + verdict.group();
        if (received.get(verdictKey) != null) {
            return; // a group answers once per probe; ignore anything else
        }
        List<KeyValue<String, VerdictBatch>> earlier = new ArrayList<>();
        try (KeyValueIterator<String, VerdictBatch> it = received.range(key + '\u0001', key + '\u0002')) {
            it.forEachRemaining(earlier::add);
        }
        if (earlier.size() + 1 < expected) {
            received.put(verdictKey, verdict);
            return;
        }
        List<VerdictBatch> verdicts = new ArrayList<>();
        for (KeyValue<String, VerdictBatch> e : earlier) {
            verdicts.add(e.value);
            received.delete(e.key);
        }
        verdicts.add(verdict);
        if (waiting == null) {
            waiting = parked(key, verdict);
            if (waiting == null) {
                return;
            }
        }
        pending.delete(key);
        context.forward(record.withKey(verdict.articleId()).withValue(enrich(waiting, verdicts)));
    }

    /** The article parked under {@code key}, or null (logged) when there is none to answer. */
    private PendingArticle parked(String key, VerdictBatch verdict) {
        PendingArticle waiting = pending.get(key);
        if (waiting == null) {
            log.debug("verdict for {} seq {} has no pending article; ignored", verdict.articleId(), verdict.seq());
        }
        return waiting;
    }

    EnrichedArticle enrich(PendingArticle waiting, List<VerdictBatch> verdicts) {
        Article article = waiting.article();
        List<String> paragraphs = waiting.paragraphs();
        List<Fingerprint> fingerprints = waiting.fingerprints();
        List<Hit> hits = new ArrayList<>();
        for (VerdictBatch v : verdicts) {
            hits.addAll(v.hits());
        }
        // Themes describe the article, so a repost keeps its themes: everything but its own internal repeats is
        // classified. Internal repeats are judged from the article alone (no owners' hits), so the evidence, and
        // the themes, never depend on which article reached an owner first.
        DuplicateResolver.Resolution resolution = resolver.resolveWithInternal(article.id(), paragraphs, fingerprints, hits);
        List<Decision> decisions = resolution.decisions();
        List<Decision> internal = resolution.internal();
        List<String> evidence = new ArrayList<>();
        List<Integer> evidenceIndex = new ArrayList<>();
        List<RemovedParagraph> removed = new ArrayList<>();
        for (Decision d : decisions) {
            if (d.removed()) {
                removed.add(new RemovedParagraph(d.index(), paragraphs.get(d.index()), d.duplicateOf(), d.kind(),
                        Math.round(d.similarity() * 1000) / 1000.0));
            }
            if (!internal.get(d.index()).removed()) {
                evidence.add(paragraphs.get(d.index()));
                evidenceIndex.add(d.index());
            }
        }
        Classification c = classifier.classify(article.title(), evidence);
        List<KeptParagraph> kept = new ArrayList<>();
        for (int k = 0; k < evidence.size(); k++) {
            if (!decisions.get(evidenceIndex.get(k)).removed()) {
                kept.add(new KeptParagraph(evidenceIndex.get(k), evidence.get(k), c.paragraphThemes().get(k)));
            }
        }
        return new EnrichedArticle(EnrichedArticle.SCHEMA_VERSION, article.id(), article.title(), article.publishedAt(),
                article.url(), article.source(), c.themes(), c.primaryTheme(), kept, removed, paragraphs.size(),
                kept.size(), Instant.ofEpochMilli(context.currentSystemTimeMs()).toString());
    }
}
