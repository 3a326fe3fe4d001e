package io.newsflow.sink;

import io.newsflow.model.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reads {@code articles-enriched} with read_committed and hands each batch to an {@link EnrichedArticleWriter}. It owns all
 * partitions of the topic and keeps its positions in the sink's checkpoint, not in Kafka, so the file and its
 * offsets can never disagree.
 */
public final class EnrichedArticleSink implements Runnable, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EnrichedArticleSink.class);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EnrichedArticleWriter file;
    private final String topic;
    private final String bootstrapServers;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private volatile boolean stopped;

    public EnrichedArticleSink(String bootstrapServers, EnrichedArticleWriter file) {
        this(bootstrapServers, Topics.ENRICHED, file);
    }

    public EnrichedArticleSink(String bootstrapServers, String topic, EnrichedArticleWriter file) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.file = file;
        this.topic = topic;
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public void run() {
        try {
            assignAll();
            while (running.get()) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                List<EnrichedArticleWriter.Entry> batch = new ArrayList<>(records.count());
                for (ConsumerRecord<byte[], byte[]> r : records) {
                    batch.add(new EnrichedArticleWriter.Entry(new TopicPartition(r.topic(), r.partition()), r.offset(), r.value()));
                }
                file.write(batch);
            }
        } catch (WakeupException e) {
            if (running.get()) {
                throw e;
            }
        } catch (IOException e) {
            throw new IllegalStateException("sink cannot write " + file.describe() + ": " + e.getMessage(), e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            stopped = true;
        }
    }

    private void assignAll() {
        List<PartitionInfo> infos = null;
        long deadline = System.currentTimeMillis() + 60_000;
        while ((infos == null || infos.isEmpty()) && System.currentTimeMillis() < deadline && running.get()) {
            infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos == null || infos.isEmpty()) {
                sleep(500);
            }
        }
        if (infos == null || infos.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " does not exist");
        }
        List<TopicPartition> partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> resume;
        try {
            resume = file.resumeOffsets(clusterId());
        } catch (IOException e) {
            throw new IllegalStateException("sink cannot read its stored offsets from " + file.describe(), e);
        }
        for (TopicPartition tp : partitions) {
            Long offset = resume.get(tp);
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset);
            }
        }
        log.info("sink reading {} partitions of {} into {}", partitions.size(), topic, file.describe());
    }

    private String clusterId() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            return admin.describeCluster().clusterId().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the cluster id of " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public long linesWritten() {
        return file.written();
    }

    /** Stops after the batch in hand is written and checkpointed. */
    public void stop() {
        running.set(false);
        consumer.wakeup();
    }

    public boolean stopped() {
        return stopped;
    }

    @Override
    public void close() throws IOException {
        stop();
        file.close();
    }
}
