package io.newsflow.processor;

import io.newsflow.common.Args;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.model.Topics;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * {@code process --bootstrap-servers HOST:PORT [--state-dir DIR] [--threads N] [--themes FILE]
 * [--near-threshold 0.7] [--retention-days 30] [--owner-groups 1] [--partitions 3] [--application-id ID] [--reset] [--port N]
 * [--http-host HOST]}: runs the topology until Ctrl-C. A restart resumes from the committed offsets and state;
 * {@code --reset} deliberately reprocesses everything from the beginning. With {@code --port} (or
 * NEWSFLOW_HTTP_PORT) it also serves the HTTP API and dashboard there; {@code --http-host} (default localhost) is
 * the name other instances reach it by.
 */
public final class StreamsProcessorMain {
    private StreamsProcessorMain() {
    }

    public static final Set<String> OPTIONS = Set.of("bootstrap-servers", "state-dir", "threads", "themes",
            "near-threshold", "retention-days", "owner-groups", "partitions", "application-id", "theme-topic-prefix", "port",
            "http-host");

    /** Builds the processor's settings from command-line options, falling back to NEWSFLOW_* variables. */
    public static ProcessorConfig config(Args args) {
        String bootstrap = args.get("bootstrap-servers", env("NEWSFLOW_BOOTSTRAP_SERVERS", "localhost:9092"));
        String themes = args.get("themes", System.getenv("NEWSFLOW_THEMES"));
        return new ProcessorConfig(bootstrap,
                args.get("application-id", env("NEWSFLOW_APPLICATION_ID", ProcessorConfig.DEFAULT_APPLICATION_ID)),
                Path.of(args.get("state-dir", env("NEWSFLOW_STATE_DIR", "state/processor"))),
                args.getInt("threads", Integer.parseInt(env("NEWSFLOW_THREADS", "1"))),
                new DedupSettings(args.getDouble("near-threshold", DedupSettings.DEFAULT_NEAR_THRESHOLD),
                        Duration.ofDays(args.getInt("retention-days", (int) DedupSettings.DEFAULT_RETENTION.toDays())),
                        args.getInt("owner-groups", Integer.parseInt(env("NEWSFLOW_OWNER_GROUPS",
                                String.valueOf(DedupSettings.DEFAULT_OWNER_GROUPS))))),
                themes == null ? null : Path.of(themes),
                args.get("theme-topic-prefix", env("NEWSFLOW_THEME_TOPIC_PREFIX", Topics.THEME_TOPIC_PREFIX)));
    }

    /** The HTTP API's address from --port/--http-host (or NEWSFLOW_HTTP_PORT/_HOST), or null when not asked for. */
    public static io.newsflow.http.HttpSettings http(Args args) {
        String port = args.get("port", System.getenv("NEWSFLOW_HTTP_PORT"));
        if (port == null) {
            return null;
        }
        int n;
        try {
            n = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--port must be a whole number, got '" + port + "'");
        }
        return new io.newsflow.http.HttpSettings(
                args.get("http-host", env("NEWSFLOW_HTTP_HOST", io.newsflow.http.HttpSettings.DEFAULT_HOST)), n);
    }

    private static String env(String name, String fallback) {
        return System.getenv().getOrDefault(name, fallback);
    }

    public static void main(String[] argv) throws Exception {
        Args args = Args.parse(argv, OPTIONS, Set.of("reset"));
        ProcessorConfig config = config(args);
        io.newsflow.http.HttpSettings http = http(args);
        StreamsProcessorApp app = StreamsProcessorApp.start(config, args.getInt("partitions", 3), args.has("reset"), http);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            app.close();
            stopped.countDown();
        }));
        System.err.println("processor: running against " + config.bootstrapServers()
                + (http == null ? "" : "; API and dashboard at http://" + http.host() + ":" + app.httpPort() + "/")
                + " (Ctrl-C stops)");
        stopped.await();
    }
}
