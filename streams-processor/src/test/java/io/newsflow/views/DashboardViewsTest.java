package io.newsflow.views;

import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.KeptParagraph;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.ParagraphRef;
import io.newsflow.model.RemovedParagraph;
import io.newsflow.model.ThemeScore;
import io.newsflow.model.Topics;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read-side sub-topologies alone, on TopologyTestDriver: windows by article time, grace, versions, lists. */
class DashboardViewsTest {
    private static final Instant NOW = Instant.parse("2026-03-10T12:30:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, EnrichedArticle> enriched;
    private TestInputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        StreamsBuilder builder = new StreamsBuilder();
        DashboardViews.addTo(builder);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "views-test");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), p);
        enriched = driver.createInputTopic(Topics.ENRICHED, new StringSerializer(), NewsflowSerdes.enriched().serializer());
        dlq = driver.createInputTopic(Topics.DLQ, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    static EnrichedArticle article(String id, String publishedAt, int removedExact, int removedNear, String... themes) {
        List<ThemeScore> scores = new ArrayList<>();
        for (String t : themes) {
            scores.add(new ThemeScore(t, 0.9, List.of("term")));
        }
        List<RemovedParagraph> removed = new ArrayList<>();
        for (int i = 0; i < removedExact + removedNear; i++) {
            removed.add(new RemovedParagraph(10 + i, "repeat " + i, new ParagraphRef("orig", i),
                    i < removedExact ? "EXACT" : "NEAR", i < removedExact ? 1.0 : 0.8));
        }
        return new EnrichedArticle("1.0", id, "Title " + id, publishedAt, null, "test", scores,
                themes.length == 0 ? null : themes[0], List.of(new KeptParagraph(0, "kept", List.of())), removed,
                1 + removed.size(), 1, NOW.toString());
    }

    private void send(EnrichedArticle a, Instant recordTime) {
        enriched.pipeInput(new TestRecord<>(a.id(), a, recordTime));
    }

    private Map<String, Long> counts(ViewStores.Window w) {
        WindowStore<String, Long> store = driver.getWindowStore(w.store);
        Map<String, Long> out = new TreeMap<>();
        try (KeyValueIterator<Windowed<String>, Long> it = store.fetchAll(Instant.EPOCH, NOW.plus(Duration.ofDays(400)))) {
            while (it.hasNext()) {
                KeyValue<Windowed<String>, Long> kv = it.next();
                out.put(kv.key.key() + "@" + Instant.ofEpochMilli(kv.key.window().start()), kv.value);
            }
        }
        return out;
    }

    private long total(String key) {
        KeyValueStore<String, Long> totals = driver.getKeyValueStore(ViewStores.TOTALS);
        Long v = totals.get(key);
        return v == null ? 0 : v;
    }

    private List<String> latest(String theme) {
        KeyValueStore<String, ArticleSummary> store = driver.getKeyValueStore(ViewStores.LATEST);
        List<String> ids = new ArrayList<>();
        try (KeyValueIterator<String, ArticleSummary> it = store.range(ViewStores.LatestKey.from(theme),
                ViewStores.LatestKey.to(theme))) {
            it.forEachRemaining(kv -> ids.add(kv.value.id()));
        }
        return ids;
    }

    @Test
    void shouldCountEachThemeInHourlyAndDailyWindowsByArticleTime() {
        send(article("a", "2026-03-10T11:15:00Z", 0, 0, "CBDC", "AI"), NOW);
        send(article("b", "2026-03-10T11:45:00Z", 2, 1, "CBDC"), NOW);
        send(article("c", null, 0, 0), NOW); // no publishedAt: record time; no theme: UNCLASSIFIED

        assertEquals(Map.of("AI@2026-03-10T11:00:00Z", 1L, "CBDC@2026-03-10T11:00:00Z", 2L,
                "UNCLASSIFIED@2026-03-10T12:00:00Z", 1L), counts(ViewStores.Window.HOURLY));
        assertEquals(Map.of("AI@2026-03-10T00:00:00Z", 1L, "CBDC@2026-03-10T00:00:00Z", 2L,
                "UNCLASSIFIED@2026-03-10T00:00:00Z", 1L), counts(ViewStores.Window.DAILY));
        assertEquals(3, total(ViewStores.Totals.ARTICLES));
        assertEquals(6, total(ViewStores.Totals.PARAGRAPHS_IN));
        assertEquals(3, total(ViewStores.Totals.PARAGRAPHS_KEPT));
        assertEquals(2, total(ViewStores.Totals.REMOVED_EXACT));
        assertEquals(1, total(ViewStores.Totals.REMOVED_NEAR));

        KeyValueStore<String, ArticleView> byId = driver.getKeyValueStore(ViewStores.ARTICLES);
        assertEquals(ArticleView.FROM_PUBLISHED_AT, byId.get("a").articleTimeSource());
        assertEquals(ArticleView.FROM_RECORD_TIMESTAMP, byId.get("c").articleTimeSource());
        assertEquals(NOW.toEpochMilli(), byId.get("c").articleTime());
        // same processedAt: ties go by id
        assertEquals(List.of("a", "b", "c"), latest(ViewStores.ALL));
        assertEquals(List.of("a", "b"), latest("CBDC"));
        assertEquals(List.of("c"), latest(ViewStores.UNCLASSIFIED));
    }

    @Test
    void shouldLeaveLateArticlesOutOfClosedWindowsButKeepThem() {
        send(article("new", "2026-03-10T12:00:00Z", 0, 0, "AI"), NOW);
        // 25 h before stream time: its hour closed (1 h + 24 h grace), its day is still open (7 days grace)
        send(article("late-hour", "2026-03-09T11:00:00Z", 0, 0, "AI"), NOW);
        // years before: too late for both
        send(article("ancient", "April 28, 2020", 0, 0, "AI"), NOW);
        // within grace: still counted in its hour
        send(article("in-grace", "2026-03-09T13:10:00Z", 0, 0, "AI"), NOW);

        assertEquals(Map.of("AI@2026-03-09T13:00:00Z", 1L, "AI@2026-03-10T12:00:00Z", 1L),
                counts(ViewStores.Window.HOURLY));
        assertEquals(Map.of("AI@2026-03-09T00:00:00Z", 2L, "AI@2026-03-10T00:00:00Z", 1L),
                counts(ViewStores.Window.DAILY));
        assertEquals(2, total(ViewStores.Totals.LATE_HOURLY));
        assertEquals(1, total(ViewStores.Totals.LATE_DAILY));
        assertEquals(4, total(ViewStores.Totals.ARTICLES));
        KeyValueStore<String, ArticleView> byId = driver.getKeyValueStore(ViewStores.ARTICLES);
        assertEquals(-1, byId.get("ancient").hourlyWindow());
        assertEquals(-1, byId.get("ancient").dailyWindow());
        assertEquals(4, latest("AI").size(), "late articles are still listed");
    }

    @Test
    void shouldLetTheLatestVersionOfAnArticleWin() {
        send(article("x", "2026-03-10T11:00:00Z", 1, 0, "CBDC"), NOW);
        send(article("y", "2026-03-10T12:00:00Z", 0, 0, "AI"), NOW);
        // same id again, now classified differently and without the removed paragraph
        send(article("x", "2026-03-10T11:00:00Z", 0, 0, "CRYPTO_BAN"), NOW.plusSeconds(1));

        assertEquals(Map.of("CRYPTO_BAN@2026-03-10T11:00:00Z", 1L, "AI@2026-03-10T12:00:00Z", 1L),
                counts(ViewStores.Window.HOURLY));
        assertEquals(2, total(ViewStores.Totals.ARTICLES));
        assertEquals(0, total(ViewStores.Totals.REMOVED_EXACT));
        assertEquals(1, total(ViewStores.Totals.REPLACED));
        assertEquals(List.of(), latest("CBDC"));
        assertEquals(List.of("x"), latest("CRYPTO_BAN"));
        assertEquals(2, latest(ViewStores.ALL).size());
        KeyValueStore<String, ArticleView> byId = driver.getKeyValueStore(ViewStores.ARTICLES);
        assertEquals("CRYPTO_BAN", byId.get("x").article().primaryTheme());
    }

    @Test
    void shouldKeepOnlyTheNewestArticlesPerTheme() {
        int n = ViewStores.LATEST_PER_THEME + 3 * ArticleViewsProcessor.TRIM_EVERY + 5;
        for (int i = 0; i < n; i++) {
            EnrichedArticle a = article(String.format("n%03d", i), null, 0, 0, "AI");
            a = new EnrichedArticle(a.schemaVersion(), a.id(), a.title(), null, null, null, a.themes(), a.primaryTheme(),
                    a.paragraphs(), a.removedParagraphs(), a.paragraphsIn(), a.paragraphsKept(),
                    NOW.plusSeconds(i).toString());
            send(a, NOW.plusSeconds(i));
        }
        List<String> stored = latest("AI");
        assertTrue(stored.size() >= ViewStores.LATEST_PER_THEME
                && stored.size() < ViewStores.LATEST_PER_THEME + ArticleViewsProcessor.TRIM_EVERY, "stored " + stored.size());
        List<String> served = stored.subList(0, ViewStores.LATEST_PER_THEME); // what the API reads
        assertEquals(String.format("n%03d", n - 1), served.get(0), "newest first");
        assertEquals(String.format("n%03d", n - ViewStores.LATEST_PER_THEME), served.get(served.size() - 1));
    }

    @Test
    void shouldCountDeadLetters() {
        RecordHeaders h = new RecordHeaders();
        h.add("__streams.errors.exception", "org.apache.kafka.common.errors.SerializationException".getBytes(StandardCharsets.UTF_8));
        h.add("__streams.errors.message", "not a valid Article JSON object".getBytes(StandardCharsets.UTF_8));
        h.add("__streams.errors.topic", "articles".getBytes(StandardCharsets.UTF_8));
        dlq.pipeInput(new TestRecord<>("bad-1".getBytes(StandardCharsets.UTF_8), "{".getBytes(StandardCharsets.UTF_8), h, NOW));
        dlq.pipeInput(new TestRecord<>(null, "x".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), NOW));

        KeyValueStore<String, DlqTotals> store = driver.getKeyValueStore(ViewStores.DLQ);
        DlqTotals t = store.get(ViewStores.DLQ_KEY);
        assertNotNull(t);
        assertEquals(2, t.total());
        assertEquals(Map.of("SerializationException", 1L, "unknown", 1L), t.byException());
        assertEquals("bad-1", t.recent().get(1).key());
        assertEquals("not a valid Article JSON object", t.recent().get(1).message());
        assertNull(t.recent().get(0).key());
    }
}
