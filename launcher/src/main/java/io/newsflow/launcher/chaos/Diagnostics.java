package io.newsflow.launcher.chaos;

import io.newsflow.model.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionListing;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What to look at when a run stops making progress: how far the processor's group has consumed, the gap between
 * high watermark and last stable offset of the topics (an open or hanging transaction holds read_committed readers
 * back), and the transactions the broker knows of.
 */
final class Diagnostics {
    private Diagnostics() {
    }

    static String describe(String bootstrap, int partitions) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        StringBuilder s = new StringBuilder();
        try (Admin admin = Admin.create(p)) {
            List<TopicPartition> tps = new ArrayList<>();
            for (String t : List.of(Topics.ARTICLES, Topics.ENRICHED, "newsflow-processor-dedup-probes-repartition",
                    "newsflow-processor-dedup-verdicts-repartition")) {
                for (int i = 0; i < partitions; i++) {
                    tps.add(new TopicPartition(t, i));
                }
            }
            Map<TopicPartition, OffsetSpec> latest = tps.stream().collect(Collectors.toMap(Function.identity(), tp -> OffsetSpec.latest()));
            var hw = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all().get(10, TimeUnit.SECONDS);
            var lso = admin.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("newsflow-processor")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            Map<String, String> rows = new TreeMap<>();
            for (TopicPartition tp : tps) {
                OffsetAndMetadata c = committed.get(tp);
                rows.put(tp.toString(), "hw=" + hw.get(tp).offset() + " lso=" + lso.get(tp).offset()
                        + (c == null ? "" : " group_committed=" + c.offset()));
            }
            rows.forEach((k, v) -> s.append("    ").append(k).append(": ").append(v).append('\n'));
            var group = admin.describeConsumerGroups(List.of("newsflow-processor")).all().get(10, TimeUnit.SECONDS)
                    .get("newsflow-processor");
            s.append("    group newsflow-processor: state=").append(group.groupState()).append(" members=")
                    .append(group.members().size()).append('\n');
            Map<Long, TransactionDescription> coordinatorView = new TreeMap<>();
            var listings = admin.listTransactions().all().get(10, TimeUnit.SECONDS);
            var described = listings.isEmpty() ? Map.<String, TransactionDescription>of()
                    : admin.describeTransactions(listings.stream().map(TransactionListing::transactionalId).toList())
                    .all().get(10, TimeUnit.SECONDS);
            for (TransactionListing t : listings) {
                TransactionDescription d = described.get(t.transactionalId());
                s.append("    transaction ").append(t.transactionalId()).append(" producerId=").append(t.producerId())
                        .append(" state=").append(t.state());
                if (d != null) {
                    coordinatorView.put(d.producerId(), d);
                    s.append(" epoch=").append(d.producerEpoch()).append(" partitions=").append(d.topicPartitions());
                }
                s.append('\n');
            }
            List<TopicPartition> all = new ArrayList<>(tps);
            for (String t : admin.listTopics().names().get(10, TimeUnit.SECONDS)) {
                if (t.endsWith("-changelog") || t.startsWith("articles.theme.")) {
                    for (int i = 0; i < partitions; i++) {
                        all.add(new TopicPartition(t, i));
                    }
                }
            }
            var producers = admin.describeProducers(all).all().get(10, TimeUnit.SECONDS);
            producers.forEach((tp, d) -> {
                for (ProducerState ps : d.activeProducers()) {
                    if (ps.currentTransactionStartOffset().isPresent()) {
                        // KIP-664's test for a hanging transaction: the coordinator does not count this partition
                        // in an ongoing transaction of that producer (and epoch) that the partition still has open.
                        TransactionDescription c = coordinatorView.get(ps.producerId());
                        boolean hanging = c == null || c.state() != TransactionState.ONGOING
                                || c.producerEpoch() != ps.producerEpoch() || !c.topicPartitions().contains(tp);
                        s.append("    open transaction on ").append(tp).append(": producerId=").append(ps.producerId())
                                .append(" epoch=").append(ps.producerEpoch()).append(" since offset ")
                                .append(ps.currentTransactionStartOffset().getAsLong()).append(", last write ")
                                .append((System.currentTimeMillis() - ps.lastTimestamp()) / 1000).append(" s ago")
                                .append(hanging ? " HANGING (coordinator: " + (c == null ? "no transaction"
                                        : c.state() + " epoch " + c.producerEpoch()) + ")" : "").append('\n');
                    }
                }
            });
        } catch (Exception e) {
            s.append("    (diagnostics incomplete: ").append(e).append(")\n");
        }
        return s.toString();
    }
}
