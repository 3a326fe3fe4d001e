package io.newsflow.processor;

import io.newsflow.common.TopicAdmin;
import io.newsflow.dedup.DedupSettings;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.ToIntFunction;

/**
 * How many owner groups an application's dedup state is laid out in, and the probe topic that fixes it.
 *
 * <p>A key's first holder lives in owner partition {@code key mod G}: every instance of one application must use the
 * same G, and it can only change with a reset. The count is therefore read from the cluster, not from each instance's
 * settings: the probe topic ({@code <appId>-dedup-probes-repartition}, one partition per group) and the registrations'
 * changelog (one partition per owner task) both carry it. On a fresh cluster the first instance creates the probe
 * topic with its configured count before Kafka Streams starts; an instance that loses that race adopts the count the
 * winner created, so two instances started together with different settings still route every key alike.
 */
final class OwnerGroupLayout {
    private static final Logger log = LoggerFactory.getLogger(OwnerGroupLayout.class);

    private OwnerGroupLayout() {
    }

    static String probeTopic(String appId) {
        return appId + "-" + NewsflowTopology.PROBE_TOPIC + "-repartition";
    }

    static String registrationsChangelog(String appId) {
        return appId + "-" + NewsflowTopology.REGISTRATION_STORE + "-changelog";
    }

    /**
     * The owner-group count to use, from the partitions of the application's existing dedup topics (-1 for a topic
     * that does not exist) or, when there are none (first start, or after a reset deleted them), {@code configured}.
     *
     * @throws IllegalStateException when the probe topic and the registrations' changelog disagree
     * @throws IllegalArgumentException when a new layout is asked for with an even count
     */
    static int decide(String appId, int configured, ToIntFunction<String> partitions) {
        int probes = partitions.applyAsInt(probeTopic(appId));
        int changelog = partitions.applyAsInt(registrationsChangelog(appId));
        if (probes > 0 && changelog > 0 && probes != changelog) {
            throw new IllegalStateException("the dedup state of " + appId + " is inconsistent: " + probeTopic(appId)
                    + " has " + probes + " partitions but " + registrationsChangelog(appId) + " has " + changelog
                    + " (both must equal the number of owner groups). Stop every instance and start one with --reset "
                    + "to rebuild it from the articles topic.");
        }
        int existing = probes > 0 ? probes : changelog;
        if (existing <= 0) {
            DedupSettings.requireNewLayoutCount(configured);
            return configured;
        }
        if (existing != configured) {
            log.warn("dedup keeps the {} owner group(s) its state was created with, not the {} configured (a --reset "
                    + "starts over with the configured count)", existing, configured);
        }
        return existing;
    }

    /**
     * Creates the probe topic with {@code groups} partitions when it does not exist, and returns the count the topic
     * has: {@code groups}, or what another instance created it with a moment before. It is made as Kafka Streams
     * would make it: its repartition-topic defaults, then the application's {@code topic.*} settings and replication
     * factor ({@code streams}).
     */
    static int ensureProbeTopic(TopicAdmin admin, String appId, int groups, Properties streams) {
        String topic = probeTopic(appId);
        Map<String, String> configs = new HashMap<>(Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                TopicConfig.RETENTION_MS_CONFIG, "-1",
                TopicConfig.SEGMENT_BYTES_CONFIG, "52428800",
                TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "CreateTime"));
        streams.forEach((k, v) -> {
            if (String.valueOf(k).startsWith(StreamsConfig.TOPIC_PREFIX)) { // values may be numbers, not strings
                configs.put(String.valueOf(k).substring(StreamsConfig.TOPIC_PREFIX.length()), String.valueOf(v));
            }
        });
        Object rf = streams.get(StreamsConfig.REPLICATION_FACTOR_CONFIG);
        Optional<Short> replication = rf == null || Integer.parseInt(String.valueOf(rf)) < 1
                ? Optional.empty() : Optional.of(Short.parseShort(String.valueOf(rf)));
        int created = admin.ensureTopic(new NewTopic(topic, Optional.of(groups), replication).configs(configs));
        if (created != groups) {
            log.warn("another instance created {} with {} owner group(s) a moment ago; this one uses that count, not "
                    + "the {} it decided on", topic, created, groups);
        }
        return created;
    }

    /** After a reset asked the cluster to delete the dedup topics: waits until they are gone, so they can be made anew. */
    static void awaitDeleted(TopicAdmin admin, String appId) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (String topic : List.of(probeTopic(appId), registrationsChangelog(appId))) {
            while (admin.partitions(topic) > 0) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(topic + " is still there 60 s after the reset deleted it");
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + topic + " to be deleted", e);
                }
            }
        }
    }
}
