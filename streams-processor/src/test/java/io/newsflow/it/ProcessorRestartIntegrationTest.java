package io.newsflow.it;

import io.newsflow.common.TopicAdmin;
import io.newsflow.processor.NewsflowTopology;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.KeptParagraph;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.Topics;
import io.newsflow.processor.ProcessorConfig;
import io.newsflow.processor.StreamsProcessorApp;
import io.newsflow.producer.ArticlePublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A restarted processor resumes where it committed, with its dedup state; {@code --reset} reprocesses everything and
 * keeps each repeated paragraph exactly once again.
 */
class ProcessorRestartIntegrationTest {

    @TempDir
    Path dir;

    private static final int PARTITIONS = 3;
    /** A paragraph of each repost's own (nothing alike, or the second would be a near-duplicate of the first). */
    private static String lead(String prefix) {
        return prefix.equals("repost-a")
                ? "Reposted by a regional aggregator on Monday morning with a new introduction for its readers, who "
                        + "had asked for more coverage of the story."
                : "Editor's note: this wire copy reached our desk late on Friday evening, and we publish it in full "
                        + "below with the original headline.";
    }

    /** {@code original}'s body under a new id that lands on another partition, behind a paragraph of its own. */
    private static Article repost(Article original, String prefix) {
        int from = KafkaTestSupport.partitionOf(original.id(), PARTITIONS);
        for (int i = 0; ; i++) {
            String id = prefix + "-" + i;
            if (KafkaTestSupport.partitionOf(id, PARTITIONS) != from) {
                return new Article(id, "Repost: " + original.title(), original.publishedAt(), null, "aggregator",
                        lead(prefix) + "\n\n" + original.body());
            }
        }
    }

    @Test
    void shouldResumeWithoutReprocessingAndReprocessIdenticallyAfterAReset() throws Exception {
        List<Article> seeds = ArticleFiles.readAll(Path.of("..", "seeds"));
        Article repostOf0 = repost(seeds.get(0), "repost-a");
        Article repostOf1 = repost(seeds.get(1), "repost-b");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            String bootstrap = broker.bootstrapServers();
            ProcessorConfig config = new ProcessorConfig(bootstrap, "restart-it", dir.resolve("state"), 1,
                    new DedupSettings(0.7, Duration.ofDays(30), 3), null);
            ProcessorConfig oneGroup = new ProcessorConfig(bootstrap, "restart-it", dir.resolve("state"), 1,
                    new DedupSettings(0.7, Duration.ofDays(30), 1), null);
            Map<String, EnrichedArticle> before;
            try (ArticlePublisher publisher = new ArticlePublisher(bootstrap)) {
                try (StreamsProcessorApp app = StreamsProcessorApp.start(config, PARTITIONS, false)) {
                    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                    seeds.subList(0, 4).forEach(publisher::publish);
                    publisher.flush();
                    assertEquals(4, enriched(bootstrap, 4).size());
                    publisher.publish(repostOf0);
                    publisher.flush();
                    before = byId(enriched(bootstrap, 5));
                    assertRepostOf(before.get(seeds.get(0).id()), before.get(repostOf0.id()), "repost-a");
                }
                assertEquals(3, probePartitions(bootstrap));
                // restart, asking for one owner group: the state was laid out for three, so three it stays, only the
                // new articles are processed, and a repost of an article seen before the restart is still found (with
                // keys routed by one group they would be looked up where they are not)
                try (StreamsProcessorApp app = StreamsProcessorApp.start(oneGroup, PARTITIONS, false)) {
                    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                    publisher.publish(seeds.get(4));
                    publisher.publish(repostOf1);
                    publisher.flush();
                    List<EnrichedArticle> all = enriched(bootstrap, 7);
                    assertEquals(7, all.size(), "nothing reprocessed after a restart");
                    before = byId(all);
                    assertRepostOf(before.get(seeds.get(1).id()), before.get(repostOf1.id()), "repost-b");
                    assertEquals(3, probePartitions(bootstrap));
                }
                // reset with one owner group: every article again. The seeds without copies come out the same; of an
                // article and its repost on another partition either may now count as the original (a reset replays
                // the partitions side by side), but each of their paragraphs is still kept exactly once
                try (StreamsProcessorApp app = StreamsProcessorApp.start(oneGroup, PARTITIONS, true)) {
                    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                    List<EnrichedArticle> all = enriched(bootstrap, 14);
                    assertEquals(14, all.size(), "a reset reprocesses from the beginning");
                    Map<String, List<EnrichedArticle>> versions = all.stream()
                            .collect(Collectors.groupingBy(EnrichedArticle::id));
                    assertEquals(7, versions.size());
                    versions.values().forEach(v -> assertEquals(2, v.size(), v.get(0).id() + " once per run"));
                    // an id's versions share its partition, so they are read in the order they were written
                    Map<String, EnrichedArticle> after = byId(versions.values().stream().map(v -> v.get(1)).toList());
                    for (Article seed : seeds.subList(2, 5)) {
                        assertEquals(withoutTime(before.get(seed.id())), withoutTime(after.get(seed.id())),
                                "reprocessing gives the same result for " + seed.id());
                    }
                    for (Article[] pair : new Article[][] {{seeds.get(0), repostOf0}, {seeds.get(1), repostOf1}}) {
                        assertEquals(keptTexts(before, pair), keptTexts(after, pair),
                                "the paragraphs kept across " + pair[0].id() + " and its repost");
                    }
                    assertEquals(1, probePartitions(bootstrap));
                }
            }
        }
    }

    /** The repost keeps only its own lead paragraph: every paragraph it took from {@code original} is removed. */
    private static void assertRepostOf(EnrichedArticle original, EnrichedArticle repost, String prefix) {
        assertEquals(List.of(lead(prefix)), repost.paragraphs().stream().map(KeptParagraph::text).toList(), repost.id());
        assertEquals(original.paragraphsIn(), repost.removedParagraphs().size());
        assertTrue(repost.removedParagraphs().stream().anyMatch(r -> r.duplicateOf().articleId().equals(original.id())),
                "the removed paragraphs point to " + original.id());
        assertTrue(repost.removedParagraphs().stream().allMatch(r -> r.duplicateOf().articleId().equals(original.id())
                || r.duplicateOf().articleId().equals(repost.id())), repost.removedParagraphs().toString());
    }

    private static List<String> keptTexts(Map<String, EnrichedArticle> byId, Article[] pair) {
        List<String> texts = new ArrayList<>();
        for (Article a : pair) {
            byId.get(a.id()).paragraphs().forEach(p -> texts.add(p.text()));
        }
        java.util.Collections.sort(texts);
        return texts;
    }

    private static Map<String, EnrichedArticle> byId(List<EnrichedArticle> articles) {
        Map<String, EnrichedArticle> byId = new java.util.LinkedHashMap<>();
        articles.forEach(a -> assertTrue(byId.put(a.id(), a) == null, a.id() + " written twice"));
        return byId;
    }

    private static int probePartitions(String bootstrap) {
        try (TopicAdmin admin = new TopicAdmin(bootstrap)) {
            return admin.partitions("restart-it-" + NewsflowTopology.PROBE_TOPIC + "-repartition");
        }
    }

    private static List<EnrichedArticle> enriched(String bootstrap, int expected) {
        List<ConsumerRecord<String, byte[]>> records = KafkaTestSupport.readAll(bootstrap, Topics.ENRICHED, expected, Duration.ofSeconds(60));
        return records.stream().map(r -> NewsflowSerdes.enriched().deserializer().deserialize(Topics.ENRICHED, r.value())).toList();
    }

    private static EnrichedArticle withoutTime(EnrichedArticle a) {
        return new EnrichedArticle(a.schemaVersion(), a.id(), a.title(), a.publishedAt(), a.url(), a.source(), a.themes(),
                a.primaryTheme(), a.paragraphs(), a.removedParagraphs(), a.paragraphsIn(), a.paragraphsKept(), null);
    }
}
