package io.newsflow.producer;

import io.newsflow.common.Args;
import io.newsflow.common.TopicAdmin;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.Topics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * {@code producer --bootstrap-servers HOST:PORT [--input DIR|FILE.jsonl|-] [--partitions N]}: publishes every
 * article of the input (default: the shipped seeds; {@code -} reads JSON Lines from stdin).
 */
public final class ProducerMain {
    private ProducerMain() {
    }

    public static void main(String[] argv) throws Exception {
        System.exit(run(argv));
    }

    public static int run(String[] argv) throws Exception {
        Args args = Args.parse(argv, Set.of("bootstrap-servers", "input", "partitions"), Set.of());
        String bootstrap = args.get("bootstrap-servers", System.getenv().getOrDefault("NEWSFLOW_BOOTSTRAP_SERVERS", "localhost:9092"));
        String input = args.get("input", System.getenv().getOrDefault("NEWSFLOW_INPUT", "seeds"));
        try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
            admin.ensureTopics(Map.of(Topics.ARTICLES, args.getInt("partitions", 3)));
        }
        long[] problems = {0};
        try (ArticlePublisher publisher = new ArticlePublisher(bootstrap, Topics.ARTICLES, msg -> {
            System.err.println("producer: " + msg);
        })) {
            if (input.equals("-")) {
                ArticleFiles.readJsonLines(System.in, "stdin", publisher::publish, p -> {
                    problems[0]++;
                    System.err.println("producer: skipped " + p);
                });
            } else {
                Path path = Path.of(input);
                if (!Files.exists(path)) {
                    System.err.println("producer: input " + path + " does not exist");
                    return 2;
                }
                ArticleFiles.read(path, publisher::publish, p -> {
                    problems[0]++;
                    System.err.println("producer: skipped " + p);
                });
            }
            publisher.flush();
            System.out.printf("producer: published=%d failed=%d skipped=%d%n", publisher.sent(), publisher.failed(), problems[0]);
            return publisher.failed() == 0 && problems[0] == 0 ? 0 : 1;
        }
    }
}
