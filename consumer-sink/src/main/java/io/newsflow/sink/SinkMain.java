package io.newsflow.sink;

import io.newsflow.common.Args;
import io.newsflow.common.TopicAdmin;
import io.newsflow.model.Topics;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code sink --bootstrap-servers HOST:PORT [--out FILE]}: writes enriched articles until Ctrl-C. */
public final class SinkMain {
    private SinkMain() {
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("bootstrap-servers", "out", "partitions"), Set.of());
        String bootstrap = args.get("bootstrap-servers", System.getenv().getOrDefault("NEWSFLOW_BOOTSTRAP_SERVERS", "localhost:9092"));
        Path out = Path.of(args.get("out", System.getenv().getOrDefault("NEWSFLOW_OUT", "out/enriched-articles.jsonl")));
        try (TopicAdmin admin = new TopicAdmin(bootstrap)) { // the sink may start before the processor
            admin.ensureTopics(Map.of(Topics.ENRICHED, args.getInt("partitions", 3)));
        }
        JsonlFileSink file = new JsonlFileSink(out);
        EnrichedArticleSink sink = new EnrichedArticleSink(bootstrap, file);
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
                file.close();
            } catch (Exception ignored) {
                // exiting anyway
            }
            System.err.println("sink: stopped after " + sink.linesWritten() + " lines in " + out);
        }));
        worker.start();
        System.err.println("sink: writing " + out + " from " + bootstrap + " (Ctrl-C stops)");
        done.await();
    }
}
