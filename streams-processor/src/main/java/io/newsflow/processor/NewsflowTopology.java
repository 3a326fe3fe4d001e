package io.newsflow.processor;

import io.newsflow.classify.ThemeClassifier;
import io.newsflow.dedup.ArticleAssembler;
import io.newsflow.dedup.ArticleFingerprinter;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.dedup.DedupRecords.VerdictBatch;
import io.newsflow.dedup.DedupSerdes;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.dedup.FingerprintOwner;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;

import java.util.Optional;
import java.util.Set;

/**
 * The newsflow topology, top to bottom:
 *
 * <pre>
 * articles ──► fingerprint-paragraphs ──(dedup-probes, by owner group)──► look-up-fingerprint-owners
 *                  │ with several groups,                                       │ first-seen holders per key:
 *                  ▼ parks article in pending-articles                          ▼ dedup-registrations (expiring)
 *                                                                                 + local dedup-key-index
 *                        one group: the article came with its probe ──► assemble-and-classify-at-owner ──┐
 *     several groups: assemble-and-classify ◄──(dedup-verdicts, back to the article's partition)         │
 *                              │                                                                         │
 * articles-enriched ◄──────────┴─────────────────────────────────────────────────────────────────────────┘
 * articles.theme.&lt;theme&gt; ◄── one filtered copy per theme the article carries (same transaction as its step)
 * </pre>
 *
 * Invalid events never reach the enriched topic: an unparsable payload fails in the deserializer, an event
 * without id or body fails in {@code fingerprint-paragraphs}; Kafka Streams' exception handlers send both to
 * {@code articles-dlq} with the original bytes and the reason, and processing continues (see
 * {@link ProcessorConfig}).
 */
public final class NewsflowTopology {

    public static final String PENDING_STORE = "pending-articles";
    /**
     * The owners' key → first holder index (local only, derived from {@link #REGISTRATION_STORE}): each entry points
     * to a registration. Named anew when its layout changed (it held the holders themselves as
     * "dedup-fingerprint-index"), so an index of the old layout is never read: the new one is built from the
     * registrations.
     */
    public static final String FINGERPRINT_STORE = "dedup-key-index";
    public static final String REGISTRATION_STORE = "dedup-registrations";
    public static final String VERDICT_STORE = "pending-verdicts";
    /** The repartition topic of probes, {@code <application.id>-dedup-probes-repartition}: one partition per owner group. */
    public static final String PROBE_TOPIC = "dedup-probes";

    private NewsflowTopology() {
    }

    /**
     * The topology with per-theme topics of the default prefix and the dashboard views, for an {@code articles} topic
     * of {@code articlePartitions} partitions.
     */
    public static Topology build(DedupSettings dedup, int articlePartitions, ThemeClassifier classifier) {
        return build(dedup, articlePartitions, classifier, Topics.THEME_TOPIC_PREFIX, true);
    }

    /**
     * The topology for an {@code articles} topic of {@code articlePartitions} partitions: verdicts return to the
     * partition that parked the article, so their topic has that many partitions, whatever the number of owner
     * groups ({@code dedup.ownerGroups()}, the partitions of the probe topic). Per-theme topics are named
     * {@code <themeTopicPrefix><theme>}; {@code withViews} false leaves out the dashboard read side
     * ({@link io.newsflow.views.DashboardViews}), which {@code ./newsflow bench --ladder} uses to measure what the
     * views cost.
     */
    public static Topology build(DedupSettings dedup, int articlePartitions, ThemeClassifier classifier,
                                 String themeTopicPrefix, boolean withViews) {
        if (articlePartitions < 1) {
            throw new IllegalArgumentException("articles must have at least one partition, got " + articlePartitions);
        }
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(PENDING_STORE), Serdes.String(), DedupSerdes.pendingArticle()));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(VERDICT_STORE), Serdes.String(), DedupSerdes.verdictBatch()));
        // The owners' durable state is one registration per probe batch that won keys (changelogged); the per-key
        // index they look up is derived from it, kept only locally and rebuilt when it disagrees (FingerprintOwner).
        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(REGISTRATION_STORE), Serdes.Long(), DedupSerdes.registration()));
        // No record cache on the index: its keys are nearly all written once, so a cache only adds a sorted-map
        // insert per key and a flush per commit (measured: docs/PERFORMANCE.md).
        builder.addStateStore(Stores.timestampedKeyValueStoreBuilder(
                Stores.persistentTimestampedKeyValueStore(FINGERPRINT_STORE), Serdes.Long(), DedupSerdes.indexEntry())
                .withCachingDisabled().withLoggingDisabled());

        KStream<String, VerdictBatch> verdicts = builder.stream(Topics.ARTICLES, Consumed.with(Serdes.String(), NewsflowSerdes.article()).withName("read-articles"))
                // 1. validate, fingerprint; one probe record per owner group it needs (with one group the article
                //    travels in it, else it is parked until every group has answered)
                .process(() -> new ArticleFingerprinter(PENDING_STORE, dedup), Named.as("fingerprint-paragraphs"),
                        PENDING_STORE)
                // 2. each key's owner partition decides "first seen" for that key, stream-wide
                .repartition(Repartitioned.<String, ProbeBatch>as(PROBE_TOPIC)
                        .withKeySerde(Serdes.String()).withValueSerde(DedupSerdes.probeBatch())
                        .withNumberOfPartitions(dedup.ownerGroups())
                        .withStreamPartitioner((topic, key, batch, n) -> Optional.of(Set.of(batch.group() % n))))
                .process(() -> new FingerprintOwner(FINGERPRINT_STORE, REGISTRATION_STORE, dedup),
                        Named.as("look-up-fingerprint-owners"), FINGERPRINT_STORE, REGISTRATION_STORE);
        // 3a. an article that came with its probe (one owner group): drop repeats and classify right here
        KStream<String, EnrichedArticle> assembledByOwner = verdicts
                .filter((id, verdict) -> verdict.article() != null, Named.as("verdicts-with-their-article"))
                .process(() -> ArticleAssembler.forCarriedArticles(dedup, classifier),
                        Named.as("assemble-and-classify-at-owner"));
        // 3b. else the verdict goes back to the partition that parked the article; once every group has answered,
        //     drop repeats and classify there
        KStream<String, EnrichedArticle> assembledAtSource = verdicts
                .filter((id, verdict) -> verdict.article() == null, Named.as("verdicts-for-parked-articles"))
                .repartition(Repartitioned.<String, VerdictBatch>as("dedup-verdicts")
                        .withKeySerde(Serdes.String()).withValueSerde(DedupSerdes.verdictBatch())
                        .withNumberOfPartitions(articlePartitions)
                        .withStreamPartitioner((topic, key, verdict, n) -> Optional.of(Set.of(verdict.sourcePartition() % n))))
                .process(() -> new ArticleAssembler(PENDING_STORE, VERDICT_STORE, dedup, classifier),
                        Named.as("assemble-and-classify"), PENDING_STORE, VERDICT_STORE);
        // 4. both write articles-enriched and, for subscribers of one theme, articles.theme.<theme>, in the same
        //    transaction as the step that assembled them (not merged: that would fuse the two tasks into one)
        write(assembledAtSource, "", classifier, themeTopicPrefix);
        write(assembledByOwner, "-at-owner", classifier, themeTopicPrefix);
        // dashboard read side (io.newsflow.views): its own sub-topologies on articles-enriched and articles-dlq
        if (withViews) {
            io.newsflow.views.DashboardViews.addTo(builder);
        }
        return builder.build();
    }

    private static void write(KStream<String, EnrichedArticle> enriched, String suffix, ThemeClassifier classifier,
                              String themeTopicPrefix) {
        enriched.to(Topics.ENRICHED, Produced.with(Serdes.String(), NewsflowSerdes.enriched())
                .withName("write-enriched" + suffix));
        for (String theme : classifier.themeCodes()) {
            enriched.filter((id, article) -> article.themes().stream().anyMatch(t -> t.theme().equals(theme)),
                            Named.as("has-theme-" + theme.toLowerCase() + suffix))
                    .to(Topics.themeTopic(themeTopicPrefix, theme), Produced.with(Serdes.String(),
                            NewsflowSerdes.enriched()).withName("write-theme-" + theme.toLowerCase() + suffix));
        }
    }
}
