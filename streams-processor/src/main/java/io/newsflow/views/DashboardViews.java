package io.newsflow.views;

import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.Topics;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.state.Stores;

/**
 * The read side of the pipeline, as two sub-topologies of the same application:
 *
 * <pre>
 * articles-enriched ──► views-update ──► views-articles, views-latest, views-counts-hourly/-daily, views-totals
 * articles-dlq      ──► views-count-dlq ──► views-dlq
 * </pre>
 *
 * Both read their topic as it is partitioned (no repartition topic); {@link ViewStores} describes the stores,
 * windows and grace periods; {@code io.newsflow.http} serves them.
 */
public final class DashboardViews {
    private DashboardViews() {
    }

    public static void addTo(StreamsBuilder builder) {
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ViewStores.ARTICLES),
                Serdes.String(), ViewSerdes.articleView()));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ViewStores.LATEST),
                Serdes.String(), ViewSerdes.summary()));
        // The counters are updated by every article under a handful of keys (about seven totals and two window
        // counts per article): a record cache folds those updates into one changelog record per key per commit
        // instead of one per update. Interactive queries read through the cache, so they see the same values.
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ViewStores.TOTALS),
                Serdes.String(), Serdes.Long()).withCachingEnabled());
        for (ViewStores.Window w : ViewStores.Window.values()) {
            builder.addStateStore(Stores.windowStoreBuilder(
                    Stores.persistentWindowStore(w.store, w.retention, w.size, false), Serdes.String(), Serdes.Long())
                    .withCachingEnabled());
        }
        // Record timestamps stay as they are (processing time): the article time is computed in views-update. Were
        // it the record timestamp, the window-store changelogs (compact,delete) would carry 2018-dated records that
        // the broker's time retention deletes, and a restored store would silently lose those windows.
        builder.stream(Topics.ENRICHED, Consumed.with(Serdes.String(), NewsflowSerdes.enriched())
                        .withName("views-read-enriched"))
                .process(ArticleViewsProcessor::new, Named.as("views-update"), ViewStores.ARTICLES, ViewStores.LATEST,
                        ViewStores.TOTALS, ViewStores.COUNTS_HOURLY, ViewStores.COUNTS_DAILY);

        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ViewStores.DLQ),
                Serdes.String(), ViewSerdes.dlqTotals()));
        builder.stream(Topics.DLQ, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("views-read-dlq"))
                .process(DlqViewsProcessor::new, Named.as("views-count-dlq"), ViewStores.DLQ);
    }
}
