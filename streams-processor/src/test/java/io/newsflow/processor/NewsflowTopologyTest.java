package io.newsflow.processor;

import io.newsflow.classify.ThemeClassifier;
import io.newsflow.dedup.DedupRecords;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.RemovedParagraph;
import io.newsflow.model.Topics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every behaviour holds with one owner group (the default) and with three (keys split by {@code key mod 3}). */
@ParameterizedClass(name = "{0} owner group(s)")
@ValueSource(ints = {1, 3})
class NewsflowTopologyTest {

    static final Path SEEDS = Path.of("..", "seeds");
    /** As the demo creates it; verdicts return to one of these partitions, whatever the owner-group count. */
    static final int ARTICLE_PARTITIONS = 3;

    @Parameter
    int ownerGroups;

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Article> articles;
    private TestInputTopic<String, byte[]> rawArticles;
    private TestOutputTopic<String, EnrichedArticle> enriched;
    private TestOutputTopic<byte[], byte[]> dlq;

    @BeforeEach
    void start() {
        ProcessorConfig config = new ProcessorConfig("unused:9092", "topology-test", stateDir, 1,
                new DedupSettings(0.7, Duration.ofDays(30), ownerGroups), null);
        driver = new TopologyTestDriver(NewsflowTopology.build(config.dedup(), ARTICLE_PARTITIONS, ThemeClassifier.defaults()),
                config.streamsProperties());
        articles = driver.createInputTopic(Topics.ARTICLES, new StringSerializer(), NewsflowSerdes.article().serializer());
        rawArticles = driver.createInputTopic(Topics.ARTICLES, new StringSerializer(), new ByteArraySerializer());
        enriched = driver.createOutputTopic(Topics.ENRICHED, new StringDeserializer(), NewsflowSerdes.enriched().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private EnrichedArticle publish(Article a) {
        articles.pipeInput(a.id(), a);
        List<EnrichedArticle> out = enriched.readValuesToList();
        assertEquals(1, out.size(), "one enriched event per accepted article");
        return out.get(0);
    }

    private static Article article(String id, String... paragraphs) {
        return new Article(id, "Title of " + id, "2024-01-01", null, "test", String.join("\n\n", paragraphs));
    }

    @Test
    void shouldRemoveExactRepeatsWithinAnArticle() throws Exception {
        Article seed = ArticleFiles.readAll(SEEDS.resolve("001_6ef4ba3d45813793.txt")).get(0);
        EnrichedArticle e = publish(seed);
        long exact = e.removedParagraphs().stream().filter(r -> r.kind().equals("EXACT")).count();
        assertTrue(exact >= 4, "the page repeats at least 4 paragraphs verbatim, removed " + exact);
        for (RemovedParagraph r : e.removedParagraphs()) {
            assertEquals(seed.id(), r.duplicateOf().articleId());
            assertTrue(r.duplicateOf().index() < r.index(), "a repeat points back to an earlier paragraph");
        }
        assertEquals(e.paragraphsIn(), e.paragraphsKept() + e.removedParagraphs().size());
    }

    @Test
    void shouldRemoveParagraphsSeenInAnEarlierArticle() {
        String shared = "The People's Bank of China said on Tuesday that the digital yuan pilot will expand to "
                + "four more cities, including Shenzhen and Chengdu, by the end of the year.";
        publish(article("first", "An opening paragraph that only the first article has, about payments in general.", shared));
        EnrichedArticle second = publish(article("second", "A different opening paragraph for the second story today.",
                shared.toUpperCase().replace(",", "")));
        assertEquals(1, second.removedParagraphs().size());
        RemovedParagraph r = second.removedParagraphs().get(0);
        assertEquals("first", r.duplicateOf().articleId());
        assertEquals(1, r.duplicateOf().index());
        assertEquals("EXACT", r.kind());
        assertEquals(1, second.paragraphsKept());
    }

    @Test
    void shouldRemoveRewordedParagraphsAboveTheThreshold() {
        String original = "Alibaba has recently announced its integration of a full-link traceability blockchain system "
                + "for its cross-border e-commerce platform Tmall Global, allowing consumers to trace imported goods "
                + "from the place of origin to their doorstep.";
        String reworded = "Alibaba has integrated a full-link traceability blockchain system for its cross-border "
                + "e-commerce platform Tmall Global, allowing consumers to trace imported goods from the place of "
                + "origin to their doorstep.";
        publish(article("a1", original));
        EnrichedArticle e = publish(article("a2", "Some unrelated lead paragraph about the weather and markets.", reworded));
        assertEquals(1, e.removedParagraphs().size(), "the reworded paragraph is a near duplicate");
        RemovedParagraph r = e.removedParagraphs().get(0);
        assertEquals("NEAR", r.kind());
        assertEquals("a1", r.duplicateOf().articleId());
        assertTrue(r.similarity() >= 0.7 && r.similarity() < 1.0, "similarity " + r.similarity());
    }

    @Test
    void shouldKeepEveryParagraphOfAnArticleRepublishedUnderItsOwnId() {
        Article v1 = article("same", "A first paragraph that is long enough to get a MinHash signature of its own.",
                "A second paragraph, also long enough, that talks about a central bank digital currency pilot.");
        EnrichedArticle first = publish(v1);
        EnrichedArticle again = publish(v1);
        assertEquals(0, again.removedParagraphs().size(), "an article is never a duplicate of its own earlier version");
        assertEquals(first.paragraphs(), again.paragraphs());
        Article v2 = article("same", v1.paragraphs().get(0), "An edited second paragraph that replaced the old one entirely.");
        assertEquals(0, publish(v2).removedParagraphs().size());
    }

    @Test
    void shouldSendArticlesWithoutIdOrBodyToTheDeadLetterTopicAndKeepGoing() {
        // Unparsable payloads (not JSON, invalid UTF-8...) fail in the deserializer; the test driver does not route
        // those through the DLQ, so BadInputIntegrationTest covers them on the real broker.
        Map<String, byte[]> bad = Map.of(
                "no-id", "{\"title\":\"t\",\"body\":\"some text\"}".getBytes(StandardCharsets.UTF_8),
                "blank-id", "{\"id\":\"  \",\"title\":\"t\",\"body\":\"some text\"}".getBytes(StandardCharsets.UTF_8),
                "blank-body", "{\"id\":\"x\",\"title\":\"t\",\"body\":\"   \\n\\n  \"}".getBytes(StandardCharsets.UTF_8),
                "html-only", "{\"id\":\"y\",\"title\":\"t\",\"body\":\"<p> </p><br/>\"}".getBytes(StandardCharsets.UTF_8));
        bad.forEach((key, bytes) -> rawArticles.pipeInput(key, bytes));
        EnrichedArticle ok = publish(article("good", "A perfectly fine paragraph about the digital yuan and its pilots."));
        assertEquals("good", ok.id());

        List<TestRecord<byte[], byte[]>> dead = dlq.readRecordsToList();
        assertEquals(bad.size(), dead.size(), "every invalid event lands in the DLQ");
        for (TestRecord<byte[], byte[]> r : dead) {
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertArrayEquals(bad.get(key), r.value(), "DLQ keeps the original bytes of " + key);
            Header reason = r.headers().lastHeader("__streams.errors.message");
            assertNotNull(reason, "DLQ record of " + key + " says why");
        }
        String reasons = dead.stream().map(r -> new String(r.headers().lastHeader("__streams.errors.message").value(),
                StandardCharsets.UTF_8)).collect(Collectors.joining(" | "));
        assertTrue(reasons.contains("has no id"), reasons);
        assertTrue(reasons.contains("has no body"), reasons);
        assertTrue(reasons.contains("has no text in its body"), reasons);
    }

    @Test
    void shouldForgetFingerprintsOlderThanTheRetention() {
        driver.close();
        ProcessorConfig config = new ProcessorConfig("unused:9092", "retention-test", stateDir.resolve("r"), 1,
                new DedupSettings(0.7, Duration.ofDays(1), ownerGroups), null);
        driver = new TopologyTestDriver(NewsflowTopology.build(config.dedup(), ARTICLE_PARTITIONS, ThemeClassifier.defaults()),
                config.streamsProperties());
        articles = driver.createInputTopic(Topics.ARTICLES, new StringSerializer(), NewsflowSerdes.article().serializer());
        enriched = driver.createOutputTopic(Topics.ENRICHED, new StringDeserializer(), NewsflowSerdes.enriched().deserializer());
        String shared = "A paragraph long enough for band keys that two articles published days apart both carry.";
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");

        articles.pipeInput("old", article("old", shared), t0);
        var store = driver.getTimestampedKeyValueStore(NewsflowTopology.FINGERPRINT_STORE);
        long held = countEntries(store);
        assertTrue(held > 1, "the paragraph's exact and band keys are held");
        articles.pipeInput("within", article("within", shared), t0.plus(Duration.ofHours(20)));
        articles.pipeInput("later", article("later", "Another paragraph, long enough for band keys, published three days later."),
                t0.plus(Duration.ofDays(3)));
        assertEquals(held, countEntries(store), "the first article's expired holders were deleted: state is bounded");
        List<String> registered = new ArrayList<>();
        try (var it = driver.<Long, DedupRecords.Registration>getTimestampedKeyValueStore(NewsflowTopology.REGISTRATION_STORE).all()) {
            it.forEachRemaining(e -> registered.add(e.value.value().articleId()));
        }
        assertFalse(registered.isEmpty());
        assertTrue(registered.stream().allMatch("later"::equals),
                "only the later article's registrations are left in the changelogged store: " + registered);
        articles.pipeInput("again", article("again", shared), t0.plus(Duration.ofDays(3)).plus(Duration.ofHours(1)));
        // the sweep also rebuilt the owners' key filter from the registrations left: what they hold is still found
        articles.pipeInput("later-repost", article("later-repost", "Another paragraph, long enough for band keys, "
                + "published three days later."), t0.plus(Duration.ofDays(3)).plus(Duration.ofHours(2)));

        List<EnrichedArticle> out = enriched.readValuesToList();
        assertEquals(1, out.get(1).removedParagraphs().size(), "a repeat within the retention is removed");
        assertEquals(0, out.get(3).removedParagraphs().size(), "a fingerprint older than the retention is forgotten");
        assertEquals(1, out.get(4).removedParagraphs().size(), "a repeat of a paragraph registered after the sweep's "
                + "cutoff is removed after the sweep");
    }

    @Test
    void shouldStillFindParagraphsRegisteredBeforeAnHourlySweepThatExpiredOthers() {
        driver.close();
        ProcessorConfig config = new ProcessorConfig("unused:9092", "sweep-test", stateDir.resolve("s"), 1,
                new DedupSettings(0.7, Duration.ofDays(1), ownerGroups), null);
        driver = new TopologyTestDriver(NewsflowTopology.build(config.dedup(), ARTICLE_PARTITIONS, ThemeClassifier.defaults()),
                config.streamsProperties());
        articles = driver.createInputTopic(Topics.ARTICLES, new StringSerializer(), NewsflowSerdes.article().serializer());
        enriched = driver.createOutputTopic(Topics.ENRICHED, new StringDeserializer(), NewsflowSerdes.enriched().deserializer());
        String kept = "A paragraph long enough for band keys, registered half a day after the first article.";
        java.time.Instant t0 = java.time.Instant.parse("2026-01-01T00:00:00Z");

        articles.pipeInput("old", article("old", "The first article's paragraph, long enough for band keys, expires."), t0);
        articles.pipeInput("keeper", article("keeper", kept), t0.plus(Duration.ofHours(12)));
        // a day and a half in: the sweep expires "old" and rebuilds the owners' key filter; "keeper" is still live
        articles.pipeInput("trigger", article("trigger", "An unrelated paragraph, long enough for band keys, "
                + "that only moves stream time on."), t0.plus(Duration.ofHours(30)));
        articles.pipeInput("repost", article("repost", kept), t0.plus(Duration.ofHours(31)));

        List<EnrichedArticle> out = enriched.readValuesToList();
        assertEquals(1, out.get(3).removedParagraphs().size(),
                "a paragraph registered before the sweep and within the retention is still found after it");
    }

    private static long countEntries(org.apache.kafka.streams.state.KeyValueStore<?, ?> store) {
        long n = 0;
        try (var it = store.all()) {
            while (it.hasNext()) {
                it.next();
                n++;
            }
        }
        return n;
    }

    @Test
    void shouldGiveAnArticleTheSameThemesWhetherOrNotAnotherArticleHeldItsRepeatFirst() {
        String ban = "The central bank banned all crypto exchanges and ordered banks to stop processing bitcoin "
                + "payments, saying the crackdown on cryptocurrency trading would be enforced nationwide.";
        String other = "Shares of technology companies rose on Tuesday as investors weighed quarterly earnings reports.";
        Article a = new Article("a", "Markets update", null, null, null, ban + "\n\n" + other + "\n\n" + ban);

        EnrichedArticle alone = publish(a);
        driver.close();
        driver = new TopologyTestDriver(NewsflowTopology.build(new DedupSettings(0.7, Duration.ofDays(30), ownerGroups),
                ARTICLE_PARTITIONS, ThemeClassifier.defaults()), new ProcessorConfig("unused:9092", "topology-test-2", stateDir.resolve("2"), 1,
                new DedupSettings(0.7, Duration.ofDays(30), ownerGroups), null).streamsProperties());
        articles = driver.createInputTopic(Topics.ARTICLES, new StringSerializer(), NewsflowSerdes.article().serializer());
        enriched = driver.createOutputTopic(Topics.ENRICHED, new StringDeserializer(), NewsflowSerdes.enriched().deserializer());
        publish(new Article("b", "Earlier story", null, null, null, ban));
        EnrichedArticle afterB = publish(a);

        assertEquals(2, afterB.removedParagraphs().size(), "both copies of the paragraph are now repeats");
        assertEquals(alone.themes(), afterB.themes(), "an internal repeat never counts twice, whoever came first");
    }

    @Test
    void shouldLeaveOutTheDashboardViewsOnlyWhenAsked() {
        DedupSettings dedup = new DedupSettings(0.7, Duration.ofDays(30), ownerGroups);
        String full = NewsflowTopology.build(dedup, ARTICLE_PARTITIONS, ThemeClassifier.defaults()).describe().toString();
        String bare = NewsflowTopology.build(dedup, ARTICLE_PARTITIONS, ThemeClassifier.defaults(), Topics.THEME_TOPIC_PREFIX, false)
                .describe().toString();

        assertTrue(full.contains(io.newsflow.views.ViewStores.ARTICLES), "the default topology keeps the views");
        assertFalse(bare.contains("views-"), "no views processor or store without them");
        assertTrue(bare.contains("assemble-and-classify") && bare.contains(Topics.ENRICHED),
                "dedup, classification and the enriched topic stay");
    }
}
