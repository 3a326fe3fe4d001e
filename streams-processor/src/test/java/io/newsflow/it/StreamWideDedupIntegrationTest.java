package io.newsflow.it;

import io.newsflow.dedup.DedupSettings;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.model.Article;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.RemovedParagraph;
import io.newsflow.model.Topics;
import io.newsflow.processor.ProcessorConfig;
import io.newsflow.processor.StreamsProcessorApp;
import io.newsflow.producer.ArticlePublisher;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dedup must find a repeat whatever partition or instance its article lands on: 3 partitions, 2 processor
 * instances, originals and their copies on different partitions.
 */
class StreamWideDedupIntegrationTest {
    private static final int PARTITIONS = 3;
    private static final int PAIRS = 6;

    @TempDir
    Path dir;

    /** Sixty pseudo-words drawn for this (pair, part): different pairs and parts share almost nothing. */
    private static String paragraph(int pair, int part) {
        java.util.Random random = new java.util.Random(pair * 1000L + part);
        StringBuilder b = new StringBuilder("Story " + pair + " part " + part + ":");
        for (int w = 0; w < 60; w++) {
            b.append(' ');
            for (int c = 4 + random.nextInt(5); c > 0; c--) {
                b.append((char) ('a' + random.nextInt(26)));
            }
        }
        return b.append('.').toString();
    }

    /** The same paragraph reworded: one word replaced and one inserted (resemblance about 0.9). */
    private static String reworded(int pair, int part) {
        String[] words = paragraph(pair, part).split(" ");
        words[20] = "reportedly";
        words[40] = words[40] + " also";
        return String.join(" ", words);
    }

    /** An id that hashes to {@code partition} of {@link #PARTITIONS}. */
    private static String idOn(String prefix, int partition) {
        for (int i = 0; ; i++) {
            String id = prefix + "-" + i;
            if (KafkaTestSupport.partitionOf(id, PARTITIONS) == partition) {
                return id;
            }
        }
    }

    /**
     * With one owner group (the default) one instance holds every key; with three the keys are split between them. A
     * second instance configured with another count than the first adopts the first's: the layout is the cluster's.
     */
    @ParameterizedTest(name = "first instance {0} owner group(s), second configured with {1}")
    @CsvSource({"1, 1", "3, 3", "3, 1"})
    void shouldFindDuplicatesAcrossPartitionsAndInstances(int firstGroups, int secondGroups) throws Exception {
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            String bootstrap = broker.bootstrapServers();
            ProcessorConfig one = config(bootstrap, dir.resolve("instance-1"), firstGroups);
            ProcessorConfig two = config(bootstrap, dir.resolve("instance-2"), secondGroups);
            try (StreamsProcessorApp a = StreamsProcessorApp.start(one, PARTITIONS, false);
                 StreamsProcessorApp b = StreamsProcessorApp.start(two, PARTITIONS, false);
                 ArticlePublisher publisher = new ArticlePublisher(bootstrap)) {
                assertTrue(a.awaitRunning(Duration.ofSeconds(60)) && b.awaitRunning(Duration.ofSeconds(60)));
                waitUntilBothOwnTasks(a, b);
                try (io.newsflow.common.TopicAdmin admin = new io.newsflow.common.TopicAdmin(bootstrap)) {
                    assertEquals(firstGroups, admin.partitions("dedup-it-dedup-probes-repartition"),
                            "one partition per owner group, as the first instance laid them out");
                }

                List<Article> originals = new ArrayList<>();
                List<Article> copies = new ArrayList<>();
                for (int pair = 0; pair < PAIRS; pair++) {
                    int from = pair % PARTITIONS;
                    int to = (pair + 1) % PARTITIONS; // always a different partition from the original's
                    originals.add(new Article(idOn("orig" + pair, from), "Original " + pair, null, null, "it",
                            paragraph(pair, 1) + "\n\n" + paragraph(pair, 2)
                                    + "\n\n" + paragraph(pair, 3)));
                    copies.add(new Article(idOn("copy" + pair, to), "Copy " + pair, null, null, "it",
                            paragraph(pair, 4) + "\n\n"
                                    + paragraph(pair, 1).toUpperCase() + "\n\n"
                                    + reworded(pair, 2)));
                }
                originals.forEach(publisher::publish);
                publisher.flush();
                Map<String, EnrichedArticle> first = KafkaTestSupport.enrichedById(bootstrap, Topics.ENRICHED, PAIRS, Duration.ofSeconds(60));
                assertEquals(PAIRS, first.size(), "every original is enriched");
                first.values().forEach(e -> assertTrue(e.removedParagraphs().isEmpty(), e.id() + " has nothing to remove"));

                copies.forEach(publisher::publish);
                publisher.flush();
                Map<String, EnrichedArticle> all = KafkaTestSupport.enrichedById(bootstrap, Topics.ENRICHED, 2 * PAIRS, Duration.ofSeconds(60));
                assertEquals(2 * PAIRS, all.size(), "every article is enriched exactly once");
                for (int pair = 0; pair < PAIRS; pair++) {
                    EnrichedArticle copy = all.get(copies.get(pair).id());
                    String original = originals.get(pair).id();
                    assertEquals(2, copy.removedParagraphs().size(), copy.id() + " repeats two paragraphs of " + original);
                    RemovedParagraph exact = copy.removedParagraphs().get(0);
                    assertEquals("EXACT", exact.kind());
                    assertEquals(original, exact.duplicateOf().articleId());
                    assertEquals(0, exact.duplicateOf().index());
                    RemovedParagraph near = copy.removedParagraphs().get(1);
                    assertEquals("NEAR", near.kind());
                    assertEquals(original, near.duplicateOf().articleId());
                    assertEquals(1, near.duplicateOf().index());
                    assertEquals(1, copy.paragraphsKept());
                }
            }
        }
    }

    private static ProcessorConfig config(String bootstrap, Path stateDir, int ownerGroups) {
        return new ProcessorConfig(bootstrap, "dedup-it", stateDir, 1,
                new DedupSettings(0.7, Duration.ofDays(30), ownerGroups), null);
    }

    private static void waitUntilBothOwnTasks(StreamsProcessorApp a, StreamsProcessorApp b) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (ownsTasks(a) && ownsTasks(b)) {
                return;
            }
            Thread.sleep(100);
        }
        fail("both instances should own active tasks");
    }

    private static boolean ownsTasks(StreamsProcessorApp app) {
        return app.streams().state() == org.apache.kafka.streams.KafkaStreams.State.RUNNING
                && app.streams().metadataForLocalThreads().stream().anyMatch(t -> !t.activeTasks().isEmpty());
    }
}
