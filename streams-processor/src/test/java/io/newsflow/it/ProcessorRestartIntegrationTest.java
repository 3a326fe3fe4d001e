package io.newsflow.it;

import io.newsflow.common.TopicAdmin;
import io.newsflow.processor.NewsflowTopology;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.EnrichedArticle;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A restarted processor resumes where it committed; {@code --reset} reprocesses everything, with the same results. */
class ProcessorRestartIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void shouldResumeWithoutReprocessingAndReprocessIdenticallyAfterAReset() throws Exception {
        List<Article> seeds = ArticleFiles.readAll(Path.of("..", "seeds"));
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            String bootstrap = broker.bootstrapServers();
            ProcessorConfig config = new ProcessorConfig(bootstrap, "restart-it", dir.resolve("state"), 1,
                    new DedupSettings(0.7, Duration.ofDays(30), 3), null);
            ProcessorConfig oneGroup = new ProcessorConfig(bootstrap, "restart-it", dir.resolve("state"), 1,
                    new DedupSettings(0.7, Duration.ofDays(30), 1), null);
            try (ArticlePublisher publisher = new ArticlePublisher(bootstrap)) {
                try (StreamsProcessorApp app = StreamsProcessorApp.start(config, 3, false)) {
                    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                    seeds.subList(0, 4).forEach(publisher::publish);
                    publisher.flush();
                    assertEquals(4, enriched(bootstrap, 4).size());
                }
                assertEquals(3, probePartitions(bootstrap));
                // restart, asking for one owner group: the state was laid out for three, so three it stays, and
                // only the new article is processed
                try (StreamsProcessorApp app = StreamsProcessorApp.start(oneGroup, 3, false)) {
                    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                    publisher.publish(seeds.get(4));
                    publisher.flush();
                    assertEquals(5, enriched(bootstrap, 5).size(), "nothing reprocessed after a restart");
                    assertEquals(3, probePartitions(bootstrap));
                }
                // reset with one owner group: every article again, with the same decisions as with three
                try (StreamsProcessorApp app = StreamsProcessorApp.start(oneGroup, 3, true)) {
                    assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                    List<EnrichedArticle> all = enriched(bootstrap, 10);
                    assertEquals(10, all.size(), "a reset reprocesses from the beginning");
                    Map<String, List<EnrichedArticle>> byId = all.stream().collect(Collectors.groupingBy(EnrichedArticle::id));
                    assertEquals(5, byId.size());
                    for (List<EnrichedArticle> versions : byId.values()) {
                        assertEquals(2, versions.size());
                        assertEquals(withoutTime(versions.get(0)), withoutTime(versions.get(1)),
                                "reprocessing gives the same result for " + versions.get(0).id());
                    }
                    assertEquals(1, probePartitions(bootstrap));
                }
            }
        }
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
