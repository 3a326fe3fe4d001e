package io.newsflow.http;

import io.newsflow.model.Topics;
import io.newsflow.views.ArticleSummary;
import io.newsflow.views.ArticleView;
import io.newsflow.views.DlqTotals;
import io.newsflow.views.ViewStores;
import io.newsflow.views.ViewStores.LatestKey;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.ThreadMetadata;
import org.apache.kafka.streams.TaskMetadata;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreType;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads this instance's own partitions of the dashboard stores, one partition at a time (so that a caller can tell
 * exactly which partitions an answer covers).
 */
final class LocalViews {

    /** One theme count of one window. */
    record Bucket(String theme, long start, long count) {
    }

    private final KafkaStreams streams;

    LocalViews(KafkaStreams streams) {
        this.streams = streams;
    }

    /** Partitions of {@code topic} whose active task runs here. */
    Set<Integer> activePartitions(String topic) {
        Set<Integer> out = new TreeSet<>();
        for (ThreadMetadata thread : streams.metadataForLocalThreads()) {
            for (TaskMetadata task : thread.activeTasks()) {
                for (TopicPartition tp : task.topicPartitions()) {
                    if (tp.topic().equals(topic)) {
                        out.add(tp.partition());
                    }
                }
            }
        }
        return out;
    }

    static String sourceTopic(String store) {
        return ViewStores.DLQ.equals(store) ? Topics.DLQ : Topics.ENRICHED;
    }

    private <T> T store(String name, QueryableStoreType<T> type, int partition) {
        return streams.store(StoreQueryParameters.fromNameAndType(name, type).withPartition(partition));
    }

    ArticleView article(int partition, String id) {
        ReadOnlyKeyValueStore<String, ArticleView> s =
                store(ViewStores.ARTICLES, QueryableStoreTypes.keyValueStore(), partition);
        return s.get(id);
    }

    List<Bucket> themeCounts(int partition, ViewStores.Window window, long from, long to) {
        ReadOnlyWindowStore<String, Long> s = store(window.store, QueryableStoreTypes.windowStore(), partition);
        ReadOnlyKeyValueStore<String, Long> totals =
                store(ViewStores.TOTALS, QueryableStoreTypes.keyValueStore(), partition);
        Long streamTime = totals.get(ViewStores.Totals.STREAM_TIME);
        // windows past the retention: a live store may still hold them, a restored one has dropped them
        long retained = streamTime == null ? from : Math.max(from, streamTime - window.retention.toMillis() + 1);
        List<Bucket> out = new ArrayList<>();
        if (retained > to) {
            return out;
        }
        try (KeyValueIterator<Windowed<String>, Long> it = s.fetchAll(Instant.ofEpochMilli(retained), Instant.ofEpochMilli(to))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, Long> kv = it.next();
                if (kv.value != null && kv.value > 0) {
                    out.add(new Bucket(kv.key.key(), kv.key.window().start(), kv.value));
                }
            }
        }
        return out;
    }

    List<ArticleSummary> latest(int partition, String theme, int limit) {
        ReadOnlyKeyValueStore<String, ArticleSummary> s =
                store(ViewStores.LATEST, QueryableStoreTypes.keyValueStore(), partition);
        List<ArticleSummary> out = new ArrayList<>();
        try (KeyValueIterator<String, ArticleSummary> it = s.range(LatestKey.from(theme), LatestKey.to(theme))) {
            while (it.hasNext() && out.size() < limit) {
                out.add(it.next().value);
            }
        }
        return out;
    }

    Map<String, Long> totals(int partition) {
        ReadOnlyKeyValueStore<String, Long> s = store(ViewStores.TOTALS, QueryableStoreTypes.keyValueStore(), partition);
        Map<String, Long> out = new LinkedHashMap<>();
        for (String key : ViewStores.Totals.ALL) {
            Long v = s.get(key);
            out.put(key, v == null ? 0L : v);
        }
        String prefix = ViewStores.Totals.THEME_PREFIX;
        try (KeyValueIterator<String, Long> it = s.prefixScan(prefix, new org.apache.kafka.common.serialization.StringSerializer())) {
            it.forEachRemaining(kv -> out.put(kv.key, kv.value));
        }
        return out;
    }

    DlqTotals dlq(int partition) {
        ReadOnlyKeyValueStore<String, DlqTotals> s = store(ViewStores.DLQ, QueryableStoreTypes.keyValueStore(), partition);
        DlqTotals t = s.get(ViewStores.DLQ_KEY);
        return t == null ? DlqTotals.empty() : t;
    }
}
