package io.newsflow.sink;

import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.model.Topics;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The PostgreSQL sink against the real server on 127.0.0.1:5432 (database test), each test in its own schema. */
class PostgresSinkTest {
    static final String SERVER = System.getProperty("newsflow.jdbc", "jdbc:postgresql://127.0.0.1:5432/test");

    @TempDir
    Path dir;

    private String schema;
    private String url;

    @BeforeEach
    void createSchemaName() {
        try (Connection c = DriverManager.getConnection(SERVER, "postgres", "")) {
            Assumptions.assumeTrue(c.isValid(5));
        } catch (Exception e) {
            Assumptions.abort("no PostgreSQL server at " + SERVER + ": " + e.getMessage());
        }
        schema = "sink_test_" + System.nanoTime();
        url = SERVER + "?currentSchema=" + schema;
    }

    @AfterEach
    void dropSchema() throws Exception {
        if (schema != null) {
            try (Connection c = DriverManager.getConnection(SERVER, "postgres", ""); Statement st = c.createStatement()) {
                st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
            }
        }
    }

    private static String article(String id, String title) {
        return "{\"schemaVersion\":\"1.0\",\"id\":\"" + id + "\",\"title\":\"" + title + "\",\"publishedAt\":null,"
                + "\"url\":null,\"source\":\"test\",\"themes\":[{\"theme\":\"CBDC\",\"score\":0.9,\"matchedTerms\":[\"digital yuan\"]}],"
                + "\"primaryTheme\":\"CBDC\",\"paragraphs\":[{\"index\":0,\"text\":\"text\",\"themes\":[\"CBDC\"]}],"
                + "\"removedParagraphs\":[],\"paragraphsIn\":1,\"paragraphsKept\":1,\"processedAt\":\"2026-11-22T10:00:00Z\"}";
    }

    private static EnrichedArticleWriter.Entry entry(int partition, long offset, String json) {
        return new EnrichedArticleWriter.Entry(new TopicPartition(Topics.ENRICHED, partition), offset, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldUpsertOneRowPerArticleAndKeepOffsetsWithTheRows() throws Exception {
        try (PostgresSink sink = new PostgresSink(url, "postgres", "")) {
            assertEquals(Map.of(), sink.resumeOffsets("cluster-a"));
            sink.write(List.of(entry(0, 0, article("a", "first")), entry(1, 0, article("b", "bee"))));
            sink.write(List.of(entry(0, 1, article("a", "second version"))));
        }
        try (PostgresSink sink = new PostgresSink(url, "postgres", "")) { // migration is idempotent on restart
            assertEquals(Map.of(new TopicPartition(Topics.ENRICHED, 0), 2L, new TopicPartition(Topics.ENRICHED, 1), 1L),
                    sink.resumeOffsets("cluster-a"));
            assertEquals(Map.of(), sink.resumeOffsets("cluster-b"), "offsets belong to the cluster they came from");
        }
        assertEquals(List.of("a|second version|{CBDC}", "b|bee|{CBDC}"),
                query("SELECT id || '|' || title || '|' || themes::text FROM enriched_articles ORDER BY id"));
    }

    @Test
    void shouldNeverWriteASecondRowOrLoseOneWhenTheSinkIsKilledMidRun() throws Exception {
        int articles = 30_000;
        int distinct = 20_000;
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            broker.createTopics(Map.of(Topics.ENRICHED, 3));
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                for (int i = 0; i < articles; i++) {
                    String id = "article-" + (i % distinct); // the last 10,000 are newer versions of earlier ids
                    producer.send(new ProducerRecord<>(Topics.ENRICHED, id, article(id, "version " + i)));
                }
            }
            Random random = new Random(42);
            int kills = 0;
            int killedMidRun = 0;
            for (int round = 0; round < 4; round++) {
                Process sink = startSink(broker.bootstrapServers());
                if (round < 3) {
                    waitForRows(1, 60); // then kill at once or a moment later: the sink is mid-run
                    Thread.sleep(round == 0 ? 0 : random.nextInt(300));
                    sink.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // kill -9, mid-batch or not
                    kills++;
                    long offsets = Long.parseLong(query("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets").get(0));
                    if (offsets < articles) {
                        killedMidRun++;
                    }
                } else {
                    waitForOffsets(articles, 120);
                    Thread.sleep(1000);
                    sink.destroy(); // Ctrl-C: a clean stop
                    assertTrue(sink.waitFor(15, TimeUnit.SECONDS), "the sink stops within seconds on SIGTERM");
                }
            }
            assertEquals(3, kills);
            assertTrue(killedMidRun >= 1, "at least one kill landed while the sink was still writing");
        }
        assertEquals(List.of(String.valueOf(distinct)), query("SELECT count(*) FROM enriched_articles"));
        assertEquals(List.of("0"), query("SELECT count(*) FROM enriched_articles WHERE title <> 'version ' || "
                + "(substring(id from 9)::int + CASE WHEN substring(id from 9)::int < 10000 THEN 20000 ELSE 0 END)"),
                "every row holds the latest version of its article");
        assertEquals(List.of(String.valueOf(articles)), query("SELECT sum(next_offset) FROM sink_offsets"));
    }

    private Process startSink(String bootstrap) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", SinkMain.class.getName(),
                "--bootstrap-servers", bootstrap, "--to", "postgres", "--jdbc-url", url)
                .redirectErrorStream(true).redirectOutput(dir.resolve("sink.log").toFile()).start();
    }

    private void waitForOffsets(long expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline
                && Long.parseLong(query("SELECT coalesce(sum(next_offset), 0) FROM sink_offsets").get(0)) < expected) {
            Thread.sleep(200);
        }
    }

    private void waitForRows(int expected, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try {
                if (Integer.parseInt(query("SELECT count(*) FROM enriched_articles").get(0)) >= expected) {
                    return;
                }
            } catch (Exception notYetMigrated) {
                // the table appears when the sink's migration has run
            }
            Thread.sleep(200);
        }
    }

    private List<String> query(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
