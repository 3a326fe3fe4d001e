package io.newsflow.sink;

import io.newsflow.common.Args;
import io.newsflow.common.TopicAdmin;
import io.newsflow.model.Topics;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code sink --bootstrap-servers HOST:PORT [--to file|postgres] [--out FILE] [--jdbc-url URL --jdbc-user U
 * --jdbc-password P]}: writes enriched articles until Ctrl-C.
 */
public final class SinkMain {
    private SinkMain() {
    }

    public static void main(String[] argv) throws Exception {
        Set<String> options = new java.util.HashSet<>(SinkTargets.OPTIONS);
        options.addAll(Set.of("bootstrap-servers", "partitions"));
        Args args = Args.parse(argv, options, Set.of());
        String bootstrap = args.get("bootstrap-servers", System.getenv().getOrDefault("NEWSFLOW_BOOTSTRAP_SERVERS", "localhost:9092"));
        try (TopicAdmin admin = new TopicAdmin(bootstrap)) { // the sink may start before the processor
            admin.ensureTopics(Map.of(Topics.ENRICHED, args.getInt("partitions", 3)));
        }
        EnrichedArticleWriter writer = SinkTargets.open(args);
        EnrichedArticleSink sink = new EnrichedArticleSink(bootstrap, writer);
        CountDownLatch done = new CountDownLatch(1);
        Thread worker = new Thread(() -> {
            try {
                sink.run();
            } finally {
                done.countDown();
            }
        }, "newsflow-sink");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            sink.stop();
            try {
                done.await();
                writer.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
            System.err.println("sink: stopped after writing " + sink.linesWritten() + " articles to " + writer.describe());
        }));
        worker.start();
        System.err.println("sink: writing " + writer.describe() + " from " + bootstrap + " (Ctrl-C stops)");
        done.await();
    }
}
