package io.newsflow.it;

import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.NewsflowSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** Reads what the pipeline wrote to a real broker, the way a downstream consumer would (read_committed). */
final class KafkaTestSupport {
    private KafkaTestSupport() {
    }

    static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Reads {@code topic} from the beginning until {@code expected} records arrived or the timeout passed. */
    static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, String topic, int expected, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> tps = c.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a short extra poll catches anything written beyond what was expected (duplicates)
            c.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }

    static Map<String, EnrichedArticle> enrichedById(String bootstrap, String topic, int expected, Duration timeout) {
        Map<String, EnrichedArticle> byId = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : readAll(bootstrap, topic, expected, timeout)) {
            EnrichedArticle e = NewsflowSerdes.enriched().deserializer().deserialize(topic, r.value());
            if (byId.put(e.id(), e) != null) {
                throw new AssertionError("article " + e.id() + " was written twice");
            }
        }
        return byId;
    }
}
