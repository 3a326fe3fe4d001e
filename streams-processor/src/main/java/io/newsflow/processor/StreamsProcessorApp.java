package io.newsflow.processor;

import io.newsflow.classify.ThemeClassifier;
import io.newsflow.common.TopicAdmin;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.model.Topics;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.tools.StreamsResetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The running processor: creates the topics it needs, sizes dedup to the input topic, starts Kafka Streams and
 * closes it within a bounded time. Used by the processor's own main, the demo and the integration tests.
 */
public final class StreamsProcessorApp implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StreamsProcessorApp.class);

    private final KafkaStreams streams;
    private final io.newsflow.http.ApiServer api; // the HTTP API and dashboard, or null

    private StreamsProcessorApp(KafkaStreams streams, io.newsflow.http.ApiServer api) {
        this.streams = streams;
        this.api = api;
    }

    /**
     * @param config      the processor's settings; {@code config.dedup().ownerGroups()} is used when the application's
     *                    dedup state does not exist yet (first start, or {@code reset}); otherwise the number of owner
     *                    groups that state was created with is kept (see {@link OwnerGroupLayout})
     * @param partitions  partitions for the pipeline's topics when they must be created
     */
    public static StreamsProcessorApp start(ProcessorConfig config, int partitions, boolean reset) {
        return start(config, partitions, reset, null);
    }

    /**
     * As {@link #start(ProcessorConfig, int, boolean)}, also serving the HTTP API and dashboard
     * ({@code io.newsflow.http}) when {@code http} is not null; its address becomes {@code application.server}.
     */
    public static StreamsProcessorApp start(ProcessorConfig config, int partitions, boolean reset,
                                            io.newsflow.http.HttpSettings http) {
        ThemeClassifier classifier = config.themesFile() == null
                ? ThemeClassifier.defaults() : ThemeClassifier.fromFile(config.themesFile());
        String appId = String.valueOf(config.streamsProperties().get(StreamsConfig.APPLICATION_ID_CONFIG));
        int ownerGroups;
        int articlePartitions;
        try (TopicAdmin admin = new TopicAdmin(config.bootstrapServers())) {
            Map<String, Integer> topics = new LinkedHashMap<>();
            topics.put(Topics.ARTICLES, partitions);
            topics.put(Topics.ENRICHED, partitions);
            topics.put(Topics.DLQ, partitions);
            for (String theme : classifier.themeCodes()) {
                topics.put(Topics.themeTopic(config.themeTopicPrefix(), theme), partitions);
            }
            admin.ensureTopics(topics);
            articlePartitions = admin.partitions(Topics.ARTICLES);
            if (reset) {
                DedupSettings.requireNewLayoutCount(config.dedup().ownerGroups()); // before anything is deleted
                resetApplication(config, appId);
                OwnerGroupLayout.awaitDeleted(admin, appId);
            }
            // the dedup layout is the cluster's, not this instance's: see OwnerGroupLayout
            int decided = OwnerGroupLayout.decide(appId, config.dedup().ownerGroups(), admin::partitions);
            ownerGroups = OwnerGroupLayout.ensureProbeTopic(admin, appId, decided, config.streamsProperties());
        }
        DedupSettings dedup = new DedupSettings(config.dedup().nearThreshold(), config.dedup().retention(), ownerGroups);
        Topology topology = NewsflowTopology.build(dedup, articlePartitions, classifier, config.themeTopicPrefix(), true);
        io.newsflow.http.ApiServer api = null;
        if (http != null) {
            try {
                api = io.newsflow.http.ApiServer.bind(http);
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot listen on " + http.host() + ":" + http.port() + ": " + e.getMessage(), e);
            }
        }
        KafkaStreams streams = new KafkaStreams(topology, config.streamsProperties(api == null ? null : api.advertised()));
        if (reset) {
            streams.cleanUp(); // the local half of a reset: this instance's state directory
        }
        streams.setUncaughtExceptionHandler(e -> {
            log.error("stream thread failed; replacing it", e);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        if (api != null) {
            api.start(streams, config.bootstrapServers());
        }
        log.info("processor {} started: {} partitions, {} owner group(s), near-duplicate threshold {}, fingerprint "
                        + "retention {}", appId, articlePartitions, ownerGroups, dedup.nearThreshold(), dedup.retention());
        return new StreamsProcessorApp(streams, api);
    }

    /**
     * Deliberate reprocessing from the beginning, with Kafka's own StreamsResetter: input offsets back to the
     * start, internal repartition and changelog topics deleted. Every instance must be stopped first.
     */
    private static void resetApplication(ProcessorConfig config, String appId) {
        int exit = new StreamsResetter().execute(new String[] {
            "--bootstrap-server", config.bootstrapServers(),
            "--application-id", appId,
            "--input-topics", Topics.ARTICLES,
            "--to-earliest",
            "--force"});
        if (exit != 0) {
            throw new IllegalStateException("resetting " + appId + " failed (StreamsResetter exit " + exit + ")");
        }
        log.info("processor {} reset: it reprocesses {} from the beginning", appId, Topics.ARTICLES);
    }

    /** Blocks until the instance is RUNNING (or the timeout passes). */
    public boolean awaitRunning(Duration timeout) throws InterruptedException {
        return awaitRunning(streams, timeout);
    }

    /** Blocks until {@code streams} is RUNNING; false when it fails or the timeout passes. */
    public static boolean awaitRunning(KafkaStreams streams, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            KafkaStreams.State s = streams.state();
            if (s == KafkaStreams.State.RUNNING) {
                return true;
            }
            if (s == KafkaStreams.State.ERROR || s == KafkaStreams.State.NOT_RUNNING) {
                return false;
            }
            Thread.sleep(50);
        }
        return false;
    }

    public KafkaStreams streams() {
        return streams;
    }

    /** The HTTP API's port, or -1 when it does not serve one. */
    public int httpPort() {
        return api == null ? -1 : api.port();
    }

    @Override
    public void close() {
        if (api != null) {
            api.close();
        }
        streams.close(Duration.ofSeconds(15));
    }
}
