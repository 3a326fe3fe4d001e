package io.newsflow.subscriber;

import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.ThemeScore;
import io.newsflow.model.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * A downstream microservice in miniature: subscribes to {@code articles.theme.<theme>} and handles each article.
 * Run it with {@code ./newsflow subscribe --theme CBDC}; it prints one line per article:
 * {@code CBDC 000_4a9daba0dc685a20 0.99 "Alibaba-Backed AI Startup SenseTime to Help China Handle Digital Yuan"}.
 */
public final class ThemeSubscriber implements AutoCloseable {
    private final KafkaConsumer<String, EnrichedArticle> consumer;
    private final String theme;
    private volatile boolean running = true;

    public ThemeSubscriber(String bootstrapServers, String theme, String groupId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"); // only articles the pipeline committed
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), NewsflowSerdes.enriched().deserializer());
        this.theme = theme.toUpperCase(java.util.Locale.ROOT);
        consumer.subscribe(List.of(Topics.themeTopic(Topics.THEME_TOPIC_PREFIX, theme)));
    }

    /** Polls until {@link #stop()}, handing every article to {@code handler}; commits after each batch. */
    public void run(Consumer<EnrichedArticle> handler) {
        try {
            while (running) {
                for (ConsumerRecord<String, EnrichedArticle> r : consumer.poll(Duration.ofMillis(200))) {
                    handler.accept(r.value());
                }
                consumer.commitSync();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The line the example prints for an article. */
    public String describe(EnrichedArticle a) {
        double score = a.themes().stream().filter(t -> t.theme().equals(theme)).mapToDouble(ThemeScore::score)
                .findFirst().orElse(0);
        return String.format("%s %s %.2f \"%s\"", theme, a.id(), score, a.title());
    }

    public void stop() {
        running = false;
        consumer.wakeup();
    }

    @Override
    public void close() {
        stop();
    }

    public static void main(String[] argv) throws InterruptedException {
        io.newsflow.common.Args args = io.newsflow.common.Args.parse(argv,
                java.util.Set.of("bootstrap-servers", "theme", "group"), java.util.Set.of());
        String bootstrap = args.get("bootstrap-servers", System.getenv().getOrDefault("NEWSFLOW_BOOTSTRAP_SERVERS", "localhost:9092"));
        String theme = args.get("theme", "CBDC");
        ThemeSubscriber subscriber = new ThemeSubscriber(bootstrap, theme, args.get("group", "theme-subscriber-" + theme.toLowerCase()));
        Thread worker = new Thread(() -> subscriber.run(a -> System.out.println(subscriber.describe(a))), "theme-subscriber");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            subscriber.stop();
            try {
                worker.join(10_000);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }));
        System.err.println("subscribe: " + Topics.themeTopic(Topics.THEME_TOPIC_PREFIX, theme) + " on " + bootstrap + " (Ctrl-C stops)");
        worker.start();
        worker.join();
    }
}
