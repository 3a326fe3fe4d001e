package io.newsflow.producer;

import io.newsflow.model.Article;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Publishes articles to {@code articles}, keyed by id, with an idempotent producer and acks=all. An article that
 * cannot be sent (above the broker's message size, say) is reported and skipped; the rest goes on.
 */
public final class ArticlePublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ArticlePublisher.class);

    private final KafkaProducer<String, byte[]> producer;
    private final Serializer<Article> serializer = NewsflowSerdes.article().serializer();
    private final String topic;
    private final Consumer<String> problems;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public ArticlePublisher(String bootstrapServers, String topic, Consumer<String> problems) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.problems = problems;
    }

    public ArticlePublisher(String bootstrapServers) {
        this(bootstrapServers, Topics.ARTICLES, msg -> log.warn(msg));
    }

    /** Sends asynchronously; failures are counted and reported through the problems callback. */
    public void publish(Article article) {
        publishRaw(article.id(), serializer.serialize(topic, article), article.id());
    }

    /** Sends bytes as they are: for tools and tests that must publish malformed events. */
    public void publishRaw(String key, byte[] value, String label) {
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (meta, error) -> {
                if (error == null) {
                    sent.incrementAndGet();
                } else {
                    failed.incrementAndGet();
                    problems.accept(describe(label, value, error));
                }
            });
        } catch (RecordTooLargeException e) { // size is checked before the send is queued
            failed.incrementAndGet();
            problems.accept(describe(label, value, e));
        }
    }

    private static String describe(String label, byte[] value, Exception error) {
        if (error instanceof RecordTooLargeException) {
            return "article " + label + " not published: " + value.length
                    + " bytes is above the broker's or producer's maximum message size (" + error.getMessage() + ")";
        }
        return "article " + label + " not published: " + error;
    }

    /** Waits until everything sent so far is acknowledged (or failed). */
    public void flush() {
        producer.flush();
    }

    public long sent() {
        return sent.get();
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
