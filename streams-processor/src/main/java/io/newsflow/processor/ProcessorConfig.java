package io.newsflow.processor;

import io.newsflow.dedup.DedupSettings;
import io.newsflow.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

import java.nio.file.Path;
import java.util.Properties;

/** Every Kafka Streams setting the processor uses, in one place. */
public record ProcessorConfig(String bootstrapServers, String applicationId, Path stateDir, int streamThreads,
                              DedupSettings dedup, Path themesFile, String themeTopicPrefix) {

    public ProcessorConfig(String bootstrapServers, String applicationId, Path stateDir, int streamThreads,
                           DedupSettings dedup, Path themesFile) {
        this(bootstrapServers, applicationId, stateDir, streamThreads, dedup, themesFile, Topics.THEME_TOPIC_PREFIX);
    }

    public static final String DEFAULT_APPLICATION_ID = "newsflow-processor";
    /** Large articles are legal; internal records may carry a whole article's fingerprints. */
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
    public static final String OVERRIDE_PREFIX = "newsflow.streams.";

    public Properties streamsProperties() {
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, streamThreads);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        // Bad input goes to the dead-letter topic with the original bytes and the reason; processing goes on.
        p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, Topics.DLQ);
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), MAX_RECORD_BYTES);
        // snappy, not lz4: Kafka's lz4 stream allocates two 64 KB buffers for every batch, and under exactly-once every
        // commit opens a batch per partition written, which cost ~20 % of the stream thread; snappy recycles its
        // buffers and costs about what no compression does (docs/PERFORMANCE.md). Not none: the enriched records of
        // a long article must still fit the broker's 1 MB default once compressed.
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "snappy");
        p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), MAX_RECORD_BYTES);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        // Articles and verdicts share a task but need no timestamp alignment: never idle waiting for the other.
        p.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, -1L);
        p.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, DedupRocksDbConfig.class);
        // A killed instance's partitions move on after 10 s instead of the 45 s default.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        // Any Kafka Streams setting can be tuned without code: -Dnewsflow.streams.<name>=<value>
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith(OVERRIDE_PREFIX))
                .forEach(k -> p.put(k.substring(OVERRIDE_PREFIX.length()), System.getProperty(k)));
        return p;
    }

    /**
     * {@link #streamsProperties()} plus {@code application.server}: the {@code host:port} where this instance's HTTP
     * API answers interactive queries (io.newsflow.http), so other instances can forward to it; null for none.
     */
    public Properties streamsProperties(String applicationServer) {
        Properties p = streamsProperties();
        if (applicationServer != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
        }
        return p;
    }
}
