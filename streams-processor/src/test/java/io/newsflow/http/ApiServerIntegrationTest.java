package io.newsflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.JsonSerde;
import io.newsflow.model.Topics;
import io.newsflow.processor.ProcessorConfig;
import io.newsflow.processor.StreamsProcessorApp;
import io.newsflow.producer.ArticlePublisher;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The HTTP API on two processor instances of one application (real broker, 3 partitions, different state dirs and
 * ports): every endpoint, a key owned by the other instance answered by forwarding, aggregates answered in full by
 * either instance, and no partial answer while an instance leaves.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ApiServerIntegrationTest {
    private static final int PARTITIONS = 3;
    private static final Path SEEDS = Path.of("..", "seeds");
    private static final Pattern SAMPLE = Pattern.compile(
            "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{([a-zA-Z_][a-zA-Z0-9_]*=\"([^\"\\\\]|\\\\.)*\",?)*})? (NaN|[+-]Inf|-?[0-9.]+([eE][+-]?[0-9]+)?)");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ConcurrentLinkedQueue<String> sseLines = new ConcurrentLinkedQueue<>();
    private Path dir;
    private EmbeddedKafkaBroker broker;
    private StreamsProcessorApp a;
    private StreamsProcessorApp b;
    private final List<String> ids = new ArrayList<>();

    @BeforeAll
    void startTwoInstancesAndPublish() throws Exception {
        dir = Files.createTempDirectory("api-it");
        broker = EmbeddedKafkaBroker.start(dir.resolve("broker"));
        a = StreamsProcessorApp.start(config(dir.resolve("a")), PARTITIONS, false, new HttpSettings("localhost", 0));
        b = StreamsProcessorApp.start(config(dir.resolve("b")), PARTITIONS, false, new HttpSettings("localhost", 0));
        assertTrue(a.awaitRunning(Duration.ofSeconds(60)) && b.awaitRunning(Duration.ofSeconds(60)));
        waitFor(Duration.ofSeconds(60), "both instances own partitions of articles-enriched",
                () -> ownsEnriched(a) && ownsEnriched(b) && running(a) && running(b));

        // a live client on instance b, connected before anything is published
        http.sendAsync(HttpRequest.newBuilder(uri(b, "/api/stream")).GET().build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(r -> r.body().forEach(sseLines::add));
        waitFor(Duration.ofSeconds(10), "the live stream says hello", () -> sseLines.contains("event: hello"));

        try (ArticlePublisher publisher = new ArticlePublisher(broker.bootstrapServers())) {
            ArticleFiles.read(SEEDS, article -> {
                ids.add(article.id());
                publisher.publish(article);
            }, problem -> fail(String.valueOf(problem)));
            publisher.publishRaw("bad-1", "{not json".getBytes(StandardCharsets.UTF_8), "bad-1");
            publisher.flush();
        }
        waitFor(Duration.ofSeconds(90), "the views hold every article and the dead letter", () -> {
            HttpResponse<String> r = get(a, "/api/stats");
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode s = json(r);
            return s.path("articles").asInt() == ids.size() && s.path("dlq").path("total").asInt() == 1;
        });
    }

    @AfterAll
    void stop() throws IOException {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (broker != null) {
            broker.close();
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private ProcessorConfig config(Path stateDir) {
        return new ProcessorConfig(broker.bootstrapServers(), "api-it", stateDir, 1,
                new DedupSettings(0.7, Duration.ofDays(30), PARTITIONS), null);
    }

    // ------------------------------------------------------------------ endpoints

    @Test
    @Order(1)
    void healthSaysUpOnBothInstances() throws Exception {
        for (StreamsProcessorApp app : List.of(a, b)) {
            HttpResponse<String> r = get(app, "/health");
            assertEquals(200, r.statusCode());
            JsonNode h = json(r);
            assertEquals("UP", h.path("status").asText());
            assertEquals("RUNNING", h.path("streamsState").asText());
            assertEquals("localhost:" + app.httpPort(), h.path("instance").asText());
        }
    }

    @Test
    @Order(2)
    void articleByIdIsAnsweredByItsOwnerWhicheverInstanceIsAsked() throws Exception {
        Set<String> servers = new HashSet<>();
        int forwarded = 0;
        for (String id : ids) {
            HttpResponse<String> fromA = get(a, "/api/articles/" + id);
            HttpResponse<String> fromB = get(b, "/api/articles/" + id);
            assertEquals(200, fromA.statusCode(), fromA.body());
            assertEquals(200, fromB.statusCode(), fromB.body());
            JsonNode ja = json(fromA);
            JsonNode jb = json(fromB);
            assertEquals(ja, jb, "both instances give the same answer for " + id);
            assertEquals(id, ja.path("article").path("id").asText());
            String owner = ja.path("servedBy").asText();
            servers.add(owner);
            // exactly one of the two answers was forwarded: the one asked of the instance that does not own the key
            boolean aForwarded = fromA.headers().firstValue("X-Newsflow-Forwarded-To").isPresent();
            boolean bForwarded = fromB.headers().firstValue("X-Newsflow-Forwarded-To").isPresent();
            assertTrue(aForwarded ^ bForwarded, id + ": forwarded by exactly one instance");
            assertEquals(owner, "localhost:" + (aForwarded ? b.httpPort() : a.httpPort()));
            forwarded++;
            KafkaStreams ownerStreams = owner.endsWith(":" + a.httpPort()) ? a.streams() : b.streams();
            assertTrue(activeEnriched(ownerStreams).contains(ja.path("partition").asInt()),
                    "the instance that answered owns partition " + ja.path("partition").asInt());
        }
        assertEquals(ids.size(), forwarded);

        JsonNode alipay = json(get(b, "/api/articles/001_6ef4ba3d45813793"));
        JsonNode removed = alipay.path("article").path("removedParagraphs");
        assertTrue(removed.size() >= 4, "the detail carries the removed paragraphs");
        assertTrue(removed.get(0).has("duplicateOf") && removed.get(0).has("similarity"));
        assertEquals("April 28, 2020", json(get(a, "/api/articles/000_4a9daba0dc685a20")).path("article").path("publishedAt").asText());
        assertEquals("publishedAt", json(get(a, "/api/articles/000_4a9daba0dc685a20")).path("articleTimeSource").asText());

        for (StreamsProcessorApp app : List.of(a, b)) {
            HttpResponse<String> missing = get(app, "/api/articles/no-such-article");
            assertEquals(404, missing.statusCode(), "a missing id is a 404 from its owner, relayed");
            assertTrue(json(missing).path("error").asText().contains("no-such-article"));
        }
    }

    @Test
    @Order(3)
    void themeCountsAreCompleteAndTheSameOnEveryInstance() throws Exception {
        for (String window : List.of("1h", "1d")) {
            JsonNode fromA = json(get(a, "/api/themes?window=" + window));
            JsonNode fromB = json(get(b, "/api/themes?window=" + window));
            assertEquals(fromA, fromB, "fan-out gives one answer whichever instance is asked (" + window + ")");
            // expected: each article's themes, for the articles counted in this window size whose window is still
            // within the retention of its partition's stream time (the latest article time on that partition)
            io.newsflow.views.ViewStores.Window w = io.newsflow.views.ViewStores.Window.of(window);
            Map<Integer, Long> streamTime = new HashMap<>();
            for (String id : ids) {
                JsonNode d = json(get(a, "/api/articles/" + id));
                streamTime.merge(d.path("partition").asInt(),
                        java.time.Instant.parse(d.path("articleTime").asText()).toEpochMilli(), Math::max);
            }
            Map<String, Long> everyArticle = new TreeMap<>();
            for (String id : ids) {
                JsonNode themes = json(get(a, "/api/articles/" + id)).path("article").path("themes");
                if (themes.isEmpty()) {
                    everyArticle.merge("UNCLASSIFIED", 1L, Long::sum);
                }
                themes.forEach(t -> everyArticle.merge(t.path("theme").asText(), 1L, Long::sum));
            }
            Map<String, Long> perTheme = new TreeMap<>();
            fromA.path("articlesPerTheme").fields().forEachRemaining(f -> perTheme.put(f.getKey(), f.getValue().asLong()));
            assertEquals(everyArticle, perTheme, "articlesPerTheme counts every article, late or not (" + window + ")");
            Map<String, Long> expected = new TreeMap<>();
            int late = 0;
            for (String id : ids) {
                JsonNode d = json(get(a, "/api/articles/" + id));
                if (!d.path(window.equals("1h") ? "countedInHourlyWindow" : "countedInDailyWindow").asBoolean()) {
                    late++;
                    continue;
                }
                long start = w.start(java.time.Instant.parse(d.path("articleTime").asText()).toEpochMilli());
                if (start <= streamTime.get(d.path("partition").asInt()) - w.retention.toMillis()) {
                    continue; // past the retention
                }
                JsonNode themes = d.path("article").path("themes");
                if (themes.isEmpty()) {
                    expected.merge("UNCLASSIFIED", 1L, Long::sum);
                }
                themes.forEach(t -> expected.merge(t.path("theme").asText(), 1L, Long::sum));
            }
            Map<String, Long> totals = new TreeMap<>();
            fromA.path("totals").fields().forEachRemaining(e -> totals.put(e.getKey(), e.getValue().asLong()));
            assertEquals(expected, totals, window);
            assertEquals(late, fromA.path("late").asInt());
            Map<String, Long> fromBuckets = new TreeMap<>();
            fromA.path("buckets").forEach(bucket -> bucket.path("counts").fields()
                    .forEachRemaining(e -> fromBuckets.merge(e.getKey(), e.getValue().asLong(), Long::sum)));
            assertEquals(expected, fromBuckets, "buckets add up to the totals");
            assertFalse(expected.isEmpty());
        }
        assertEquals(86400, json(get(a, "/api/themes?window=1h")).path("graceSeconds").asInt());
        assertEquals(7 * 86400, json(get(a, "/api/themes?window=1d")).path("graceSeconds").asInt());
        assertEquals(400, get(a, "/api/themes?window=2h").statusCode());
        assertEquals(400, get(a, "/api/themes?window=1h&from=yesterday").statusCode());
        assertEquals(0, json(get(b, "/api/themes?window=1d&to=2000-01-01T00:00:00Z")).path("buckets").size());
    }

    @Test
    @Order(4)
    void latestArticlesAreMergedNewestFirst() throws Exception {
        JsonNode all = json(get(a, "/api/articles?limit=20"));
        assertEquals(json(get(b, "/api/articles?limit=20")), all);
        assertEquals(ids.size(), all.path("articles").size());
        long previous = Long.MAX_VALUE;
        Set<String> seen = new HashSet<>();
        for (JsonNode s : all.path("articles")) {
            assertTrue(s.path("arrivedAt").asLong() <= previous, "newest first");
            previous = s.path("arrivedAt").asLong();
            seen.add(s.path("id").asText());
            assertTrue(s.has("themes") && s.has("removedExact") && s.has("removedNear") && s.has("paragraphsIn"));
        }
        assertEquals(new HashSet<>(ids), seen);
        assertEquals(2, json(get(b, "/api/articles?limit=2")).path("articles").size());

        JsonNode ai = json(get(b, "/api/articles?theme=AI&limit=50"));
        assertEquals("AI", ai.path("theme").asText());
        assertTrue(ai.path("articles").size() >= 1);
        for (JsonNode s : ai.path("articles")) {
            boolean tagged = false;
            for (JsonNode c : s.path("themes")) {
                tagged |= c.path("theme").asText().equals("AI");
            }
            assertTrue(tagged, s.path("id") + " is tagged AI");
        }
        assertEquals(0, json(get(a, "/api/articles?theme=NOPE")).path("articles").size());
        assertEquals(400, get(a, "/api/articles?limit=0").statusCode());
        assertEquals(400, get(a, "/api/articles?limit=51").statusCode());
        assertEquals(400, get(a, "/api/articles?limit=ten").statusCode());
    }

    @Test
    @Order(5)
    void statsAddUpOverAllPartitions() throws Exception {
        JsonNode s = json(get(b, "/api/stats"));
        assertEquals(json(get(a, "/api/stats")), s);
        long in = 0;
        long exact = 0;
        long near = 0;
        for (String id : ids) {
            JsonNode art = json(get(a, "/api/articles/" + id)).path("article");
            in += art.path("paragraphsIn").asLong();
            for (JsonNode r : art.path("removedParagraphs")) {
                if (r.path("kind").asText().equals("EXACT")) {
                    exact++;
                } else {
                    near++;
                }
            }
        }
        assertEquals(ids.size(), s.path("articles").asInt());
        assertEquals(in, s.path("paragraphsIn").asLong());
        assertEquals(exact, s.path("removedExact").asLong());
        assertEquals(near, s.path("removedNear").asLong());
        assertTrue(exact > 0, "the seeds repeat paragraphs");
        assertEquals(Math.round(1e4 * (exact + near) / (double) in) / 1e4, s.path("duplicateRatio").asDouble(), 1e-9);
        JsonNode dlq = s.path("dlq");
        assertEquals(1, dlq.path("total").asInt());
        assertEquals("bad-1", dlq.path("recent").get(0).path("key").asText());
        assertEquals(1, dlq.path("byException").size());
    }

    @Test
    @Order(6)
    void streamSendsEveryPublishedArticle() throws Exception {
        waitFor(Duration.ofSeconds(10), "an SSE event per article", () -> sseLines.stream()
                .filter(l -> l.startsWith("data: {\"id\"")).count() >= ids.size());
        Set<String> streamed = new HashSet<>();
        List<String> lines = new ArrayList<>(sseLines);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).equals("event: article")) {
                JsonNode data = JsonSerde.MAPPER.readTree(lines.get(i + 1).substring("data: ".length()));
                streamed.add(data.path("id").asText());
                assertTrue(data.has("themes") && data.has("removedExact"), "a feed summary");
            }
        }
        assertEquals(new HashSet<>(ids), streamed);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("id: ")), "events carry ids");

        HttpResponse<java.io.InputStream> head = http.send(HttpRequest.newBuilder(uri(a, "/api/stream")).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, head.statusCode());
        assertTrue(head.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        head.body().close();
    }

    @Test
    @Order(7)
    void metricsArePrometheusText() throws Exception {
        long articles = 0;
        for (StreamsProcessorApp app : List.of(a, b)) {
            HttpResponse<String> r = get(app, "/metrics");
            assertEquals(200, r.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", r.headers().firstValue("Content-Type").orElse(""));
            Map<String, Integer> typeLines = new HashMap<>();
            Map<String, Double> samples = new HashMap<>();
            for (String line : r.body().split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    typeLines.merge(line.split(" ")[2], 1, Integer::sum);
                } else if (!line.startsWith("# HELP ")) {
                    assertTrue(SAMPLE.matcher(line).matches(), "a valid sample line: " + line);
                    int space = line.lastIndexOf(' ');
                    samples.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)
                            .replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
                }
            }
            typeLines.forEach((family, n) -> assertEquals(1, n, "one TYPE line for " + family));
            for (String family : List.of("newsflow_records_in_per_second", "newsflow_records_out_per_second",
                    "newsflow_consumer_lag_records", "newsflow_duplicate_ratio", "newsflow_dlq_records_total",
                    "newsflow_processing_latency_ms", "newsflow_articles_total", "newsflow_streams_state",
                    "kafka_streams_thread_process_rate", "kafka_streams_client_alive_stream_threads")) {
                assertTrue(typeLines.containsKey(family), "exposes " + family);
            }
            assertEquals(1.0, samples.get("newsflow_streams_state{state=\"RUNNING\"}"));
            assertNotNull(samples.get("newsflow_records_in_total{topic=\"articles\"}"));
            articles += samples.get("newsflow_articles_total").longValue();
        }
        assertEquals(ids.size(), articles, "each instance counts its own partitions; together every article");
    }

    @Test
    @Order(8)
    void servesTheDashboardAndRejectsTheRest() throws Exception {
        HttpResponse<String> page = get(a, "/");
        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertTrue(page.body().contains("/dashboard.js"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        for (String asset : List.of("/dashboard.js", "/dashboard.css", "/favicon.svg")) {
            assertEquals(200, get(b, asset).statusCode(), asset);
        }
        assertEquals(404, get(a, "/nope.js").statusCode());
        assertEquals(404, get(a, "/api/nope").statusCode());
        assertEquals(404, get(a, "/../pom.xml").statusCode());
        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri(a, "/api/stats"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertEquals(400, get(a, "/internal/partials?kind=everything").statusCode());
    }

    /** Last: instance b leaves. Until a owns every partition, a answers 503 — never a partial count. */
    @Test
    @Order(9)
    void neverAnswersWithPartOfThePartitionsWhileAnInstanceLeaves() throws Exception {
        JsonNode complete = json(get(a, "/api/themes?window=1d"));
        int port = b.httpPort();
        // leave the group at once (as a scaled-down instance would) instead of waiting for the session timeout
        b.streams().close(org.apache.kafka.streams.CloseOptions.groupMembershipOperation(
                org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(Duration.ofSeconds(15)));
        b.close();
        b = null;
        int unavailable = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> r = get(a, "/api/themes?window=1d");
            if (r.statusCode() == 200) {
                assertEquals(complete, json(r), "a 200 is always the whole answer");
                JsonNode stats = json(get(a, "/api/stats"));
                if (activeEnriched(a.streams()).size() == PARTITIONS) {
                    assertEquals(ids.size(), stats.path("articles").asInt());
                    break;
                }
            } else {
                assertEquals(503, r.statusCode(), r.body());
                assertTrue(r.headers().firstValue("Retry-After").isPresent());
                unavailable++;
            }
            assertTrue(System.nanoTime() < deadline, "instance a took over every partition within 60 s");
            Thread.sleep(100);
        }
        // the article that b owned is now answered by a itself
        for (String id : ids) {
            HttpResponse<String> r = get(a, "/api/articles/" + id);
            assertEquals(200, r.statusCode());
            assertNull(r.headers().firstValue("X-Newsflow-Forwarded-To").orElse(null));
            assertFalse(json(r).path("servedBy").asText().endsWith(":" + port));
        }
        System.out.println("ApiServerIntegrationTest: " + unavailable + " answers were 503 while b left");
    }

    // ------------------------------------------------------------------ helpers

    private static URI uri(StreamsProcessorApp app, String path) {
        return URI.create("http://localhost:" + app.httpPort() + path);
    }

    private HttpResponse<String> get(StreamsProcessorApp app, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(app, path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> r) throws IOException {
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.body());
        return JsonSerde.MAPPER.readTree(r.body());
    }

    private static Set<Integer> activeEnriched(KafkaStreams streams) {
        Set<Integer> out = new HashSet<>();
        streams.metadataForLocalThreads().forEach(t -> t.activeTasks().forEach(task -> {
            for (TopicPartition tp : task.topicPartitions()) {
                if (tp.topic().equals(Topics.ENRICHED)) {
                    out.add(tp.partition());
                }
            }
        }));
        return out;
    }

    private static boolean ownsEnriched(StreamsProcessorApp app) {
        return !activeEnriched(app.streams()).isEmpty();
    }

    private static boolean running(StreamsProcessorApp app) {
        return app.streams().state() == KafkaStreams.State.RUNNING;
    }

    interface Check {
        boolean ok() throws Exception;
    }

    private static void waitFor(Duration timeout, String what, Check check) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        fail("timed out waiting until " + what);
    }
}
