package io.newsflow.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.JsonSerde;
import io.newsflow.processor.ProcessorConfig;
import io.newsflow.processor.StreamsProcessorApp;
import io.newsflow.producer.ArticlePublisher;
import io.newsflow.sink.EnrichedArticleSink;
import io.newsflow.sink.EnrichedArticleWriter;
import io.newsflow.sink.JsonlFileSink;
import io.newsflow.sink.PostgresSink;
import io.newsflow.subscriber.ThemeSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What downstream services rely on, on the real broker: a theme topic delivers exactly the articles carrying that
 * theme, and every record both sinks write validates against the published JSON Schema.
 */
class DownstreamContractIntegrationTest {
    private static final String JDBC = System.getProperty("newsflow.jdbc", "jdbc:postgresql://127.0.0.1:5432/test");

    @TempDir
    Path dir;

    @Test
    void shouldDeliverExactlyTheThemedArticlesAndWriteOnlySchemaValidRecords() throws Exception {
        List<Article> seeds = ArticleFiles.readAll(Path.of("..", "seeds"));
        JsonSchema enrichedSchema = schema("enriched-article.schema.json");
        JsonSchema articleSchema = schema("article.schema.json");
        for (Article a : seeds) {
            assertEquals(Set.of(), articleSchema.validate(JsonSerde.MAPPER.valueToTree(a)), a.id());
        }
        String schema = "contract_test_" + System.nanoTime();
        boolean postgres = postgresAvailable();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            String bootstrap = broker.bootstrapServers();
            ProcessorConfig config = new ProcessorConfig(bootstrap, "contract-it", dir.resolve("state"), 1,
                    new DedupSettings(0.7, Duration.ofDays(30), 3), null);
            List<EnrichedArticleWriter> writers = new ArrayList<>();
            writers.add(new JsonlFileSink(dir.resolve("out.jsonl")));
            if (postgres) {
                writers.add(new PostgresSink(JDBC + "?currentSchema=" + schema, "postgres", ""));
            }
            Set<String> cryptoBanIds = new ConcurrentSkipListSet<>();
            try (StreamsProcessorApp app = StreamsProcessorApp.start(config, 3, false);
                 ArticlePublisher publisher = new ArticlePublisher(bootstrap);
                 ThemeSubscriber subscriber = new ThemeSubscriber(bootstrap, "CRYPTO_BAN", "contract-test")) {
                List<EnrichedArticleSink> sinks = new ArrayList<>();
                List<Thread> threads = new ArrayList<>();
                for (EnrichedArticleWriter w : writers) {
                    EnrichedArticleSink s = new EnrichedArticleSink(bootstrap, w);
                    sinks.add(s);
                    threads.add(new Thread(s));
                }
                Thread subscriberThread = new Thread(() -> subscriber.run(a -> cryptoBanIds.add(a.id())));
                threads.add(subscriberThread);
                threads.forEach(Thread::start);
                assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                seeds.forEach(publisher::publish);
                publisher.flush();

                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (System.nanoTime() < deadline && sinks.stream().anyMatch(s -> s.linesWritten() < seeds.size())) {
                    Thread.sleep(100);
                }
                Thread.sleep(1500); // the subscriber reads a different topic; give it the same chance
                sinks.forEach(EnrichedArticleSink::stop);
                subscriber.stop();
                for (Thread t : threads) {
                    t.join(10_000);
                }

                for (EnrichedArticleWriter w : writers) {
                    List<JsonNode> rows = w.readBack();
                    assertEquals(seeds.size(), rows.size(), w.describe());
                    for (JsonNode row : rows) {
                        Set<ValidationMessage> errors = enrichedSchema.validate(row);
                        assertEquals(Set.of(), errors, w.describe() + " wrote an invalid record for " + row.path("id"));
                    }
                    Set<String> expected = rows.stream()
                            .filter(r -> JsonSerde.MAPPER.convertValue(r, EnrichedArticle.class).themes().stream()
                                    .anyMatch(t -> t.theme().equals("CRYPTO_BAN")))
                            .map(r -> r.path("id").asText()).collect(Collectors.toCollection(TreeSet::new));
                    assertFalse(expected.isEmpty(), "the seeds include a crypto ban story");
                    assertEquals(expected, new TreeSet<>(cryptoBanIds), "articles.theme.crypto_ban carries exactly those");
                    w.close();
                }
            }
        } finally {
            if (postgres) {
                try (Connection c = DriverManager.getConnection(JDBC, "postgres", ""); Statement st = c.createStatement()) {
                    st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
                }
            }
        }
    }

    private static JsonSchema schema(String file) throws Exception {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(Files.readString(Path.of("..", "docs", "schema", file)));
    }

    private static boolean postgresAvailable() {
        try (Connection c = DriverManager.getConnection(JDBC, "postgres", "")) {
            return c.isValid(5);
        } catch (Exception e) {
            System.err.println("PostgreSQL not reachable at " + JDBC + "; validating the file sink only: " + e.getMessage());
            return false;
        }
    }
}
