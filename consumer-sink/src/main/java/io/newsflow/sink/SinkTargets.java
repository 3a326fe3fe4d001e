package io.newsflow.sink;

import io.newsflow.common.Args;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/** Opens the writer the command line asks for: {@code --to file} (default) or {@code --to postgres}. */
public final class SinkTargets {
    public static final Set<String> OPTIONS = Set.of("to", "out", "roll-mb", "roll-minutes", "jdbc-url", "jdbc-user",
            "jdbc-password");
    public static final String DEFAULT_JDBC_URL = "jdbc:postgresql://127.0.0.1:5432/test";

    private SinkTargets() {
    }

    public static EnrichedArticleWriter open(Args args) throws IOException {
        String to = args.get("to", env("NEWSFLOW_SINK", "file"));
        return switch (to) {
            case "file" -> new JsonlFileSink(Path.of(args.get("out", env("NEWSFLOW_OUT", "out/enriched-articles.jsonl"))),
                    new JsonlFileSink.Rolling(args.getInt("roll-mb", Integer.parseInt(env("NEWSFLOW_ROLL_MB", "256"))) * 1024L * 1024L,
                            java.time.Duration.ofMinutes(args.getInt("roll-minutes", Integer.parseInt(env("NEWSFLOW_ROLL_MINUTES", "0"))))));
            case "postgres" -> new PostgresSink(args.get("jdbc-url", env("NEWSFLOW_JDBC_URL", DEFAULT_JDBC_URL)),
                    args.get("jdbc-user", env("NEWSFLOW_JDBC_USER", "postgres")),
                    args.get("jdbc-password", env("NEWSFLOW_JDBC_PASSWORD", "")));
            default -> throw new IllegalArgumentException("--to must be 'file' or 'postgres', got '" + to + "'");
        };
    }

    private static String env(String name, String fallback) {
        return System.getenv().getOrDefault(name, fallback);
    }
}
