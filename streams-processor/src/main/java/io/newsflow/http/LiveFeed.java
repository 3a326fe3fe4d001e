package io.newsflow.http;

import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.JsonSerde;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.Topics;
import io.newsflow.views.ArticleSummary;
import io.newsflow.views.ArticleTime;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Tails {@code articles-enriched} (read_committed, from its end, all partitions, no consumer group) and hands each
 * new article to the connected server-sent-event clients. Every instance tails every partition, so any instance
 * serves the whole stream; only committed articles are sent, never one of an aborted transaction.
 */
final class LiveFeed implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LiveFeed.class);
    static final int MAX_CLIENTS = 100;
    private static final int CLIENT_BUFFER = 1000;

    /** One connected client's queue of SSE frames; closed when it falls too far behind. */
    static final class Subscriber {
        final BlockingQueue<String> frames = new ArrayBlockingQueue<>(CLIENT_BUFFER);
        final boolean full;
        volatile boolean overflowed;

        Subscriber(boolean full) {
            this.full = full;
        }
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private final Deserializer<EnrichedArticle> deserializer = NewsflowSerdes.enriched().deserializer();
    private final AtomicLong delivered = new AtomicLong();
    private final Thread thread;
    private final List<TopicPartition> partitions;
    private final int dlqPartitions;
    private volatile boolean running = true;

    LiveFeed(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "newsflow-http-live-feed");
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(Topics.ENRICHED, Duration.ofSeconds(30)).stream()
                .map(i -> new TopicPartition(Topics.ENRICHED, i.partition())).toList();
        dlqPartitions = consumer.partitionsFor(Topics.DLQ, Duration.ofSeconds(30)).size();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fix the starting point now, not at the first poll
        thread = new Thread(this::run, "newsflow-http-live-feed");
        thread.setDaemon(true);
        thread.start();
    }

    int enrichedPartitions() {
        return partitions.size();
    }

    int dlqPartitions() {
        return dlqPartitions;
    }

    int clients() {
        return subscribers.size();
    }

    long delivered() {
        return delivered.get();
    }

    /** Registers a client, or returns null when {@link #MAX_CLIENTS} are connected. */
    Subscriber subscribe(boolean full) {
        if (subscribers.size() >= MAX_CLIENTS) {
            return null;
        }
        Subscriber s = new Subscriber(full);
        subscribers.add(s);
        return s;
    }

    void unsubscribe(Subscriber s) {
        subscribers.remove(s);
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    publish(r);
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("live feed stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void publish(ConsumerRecord<String, byte[]> r) {
        if (subscribers.isEmpty() || r.value() == null) {
            return;
        }
        EnrichedArticle article;
        try {
            article = deserializer.deserialize(r.topic(), r.value());
        } catch (RuntimeException e) {
            log.warn("live feed: skipping an unreadable record at {}-{}@{}", r.topic(), r.partition(), r.offset());
            return;
        }
        long articleTime = ArticleTime.of(article.publishedAt(), r.timestamp());
        long arrivedAt = r.timestamp();
        try {
            arrivedAt = Instant.parse(article.processedAt()).toEpochMilli();
        } catch (RuntimeException ignored) {
            // keep the record timestamp
        }
        String id = r.partition() + "-" + r.offset();
        String summaryFrame = frame(id, ArticleSummary.of(article, articleTime, arrivedAt));
        String fullFrame = null;
        for (Subscriber s : subscribers) {
            String f = summaryFrame;
            if (s.full) {
                fullFrame = fullFrame != null ? fullFrame : frame(id, article);
                f = fullFrame;
            }
            if (!s.frames.offer(f)) {
                s.overflowed = true; // the client is too slow; its handler closes the stream
            } else {
                delivered.incrementAndGet();
            }
        }
    }

    private static String frame(String id, Object data) {
        try {
            return "id: " + id + "\nevent: article\ndata: " + JsonSerde.MAPPER.writeValueAsString(data) + "\n\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
