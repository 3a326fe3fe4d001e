package io.newsflow.launcher.chaos;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What a topic holds for a read_committed reader, from the beginning to the last stable offset: records per key and,
 * per partition, the offset after the last data record (transaction markers occupy offsets too, so the sink's
 * "next offset" after its last record can be below the end offset).
 */
public record TopicStats(long records, Map<String, Integer> perKey, Map<Integer, Long> afterLastRecord) {

    /** @throws IllegalStateException when the topic cannot be read to its end in time (broker down, say) */
    public static TopicStats read(String bootstrap, String topic, Duration timeout) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        p.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1000, timeout.toMillis()));
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            Map<String, Integer> perKey = new HashMap<>();
            Map<Integer, Long> after = new TreeMap<>();
            long records = 0;
            while (true) {
                boolean done = true;
                for (TopicPartition tp : partitions) {
                    if (consumer.position(tp, timeout) < end.get(tp)) {
                        done = false;
                        break;
                    }
                }
                if (done) {
                    break;
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + topic + " to its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records++;
                    perKey.merge(r.key() == null ? "" : r.key(), 1, Integer::sum);
                    after.merge(r.partition(), r.offset() + 1, Math::max);
                }
            }
            return new TopicStats(records, perKey, after);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IllegalStateException("cannot read " + topic + ": " + e.getMessage(), e);
        }
    }

    /** Keys that occur more than once. */
    public long keysMoreThanOnce() {
        return perKey.values().stream().filter(n -> n > 1).count();
    }
}
