package io.newsflow.dedup;

import io.newsflow.classify.ThemeClassifier;
import io.newsflow.dedup.DedupRecords.ParagraphProbe;
import io.newsflow.dedup.DedupRecords.PendingArticle;
import io.newsflow.dedup.DedupRecords.ProbeBatch;
import io.newsflow.model.Article;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.Topics;
import io.newsflow.processor.NewsflowTopology;
import io.newsflow.processor.ProcessorConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * With one owner group an article travels in its probe and is assembled in the owner's task; probes written before
 * that (the article parked on its own partition) are still answered through the verdict topic after an upgrade.
 */
class OneOwnerGroupUpgradeTest {
    private static final String APP = "upgrade-test";
    private static final String FIRST = "The central bank said on Tuesday that its digital currency pilot would "
            + "reach four more provinces next year, with retail payments at the centre of the trial.";
    private static final String SECOND = "Officials added that merchants taking part would not pay fees for the "
            + "first twelve months, a move meant to speed up the adoption of the new payment rails.";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, Article> articles;
    private TestOutputTopic<String, EnrichedArticle> enriched;
    private KeyValueStore<String, PendingArticle> pending;

    @BeforeEach
    void start() {
        ProcessorConfig config = new ProcessorConfig("unused:9092", APP, stateDir, 1,
                new DedupSettings(0.7, Duration.ofDays(30), 1), null);
        driver = new TopologyTestDriver(NewsflowTopology.build(config.dedup(), 3, ThemeClassifier.defaults()),
                config.streamsProperties());
        articles = driver.createInputTopic(Topics.ARTICLES, new StringSerializer(), NewsflowSerdes.article().serializer());
        enriched = driver.createOutputTopic(Topics.ENRICHED, new StringDeserializer(), NewsflowSerdes.enriched().deserializer());
        pending = driver.getKeyValueStore(NewsflowTopology.PENDING_STORE);
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldAssembleAnArticleAtItsOwnerWithoutParkingIt() {
        articles.pipeInput("a", new Article("a", "Pilot", null, null, null, FIRST + "\n\n" + SECOND));
        articles.pipeInput("b", new Article("b", "Repost", null, null, null, SECOND));

        List<EnrichedArticle> out = enriched.readValuesToList();
        assertEquals(2, out.size());
        assertEquals(2, out.get(0).paragraphsKept());
        assertEquals("a", out.get(1).removedParagraphs().get(0).duplicateOf().articleId(), "b repeats a's paragraph");
        assertEquals(0, out.get(1).paragraphsKept());
        assertNull(firstParked(), "nothing waits in the pending store");
    }

    @Test
    void shouldStillAnswerAProbeWrittenBeforeArticlesTravelledWithIt() {
        // the state an upgrade finds: an article parked on partition 0 and its probe (format 2, no article) in flight
        Article a = new Article("old", "Parked before the upgrade", null, null, null, FIRST + "\n\n" + SECOND);
        List<String> paragraphs = ArticleText.paragraphs(a);
        List<Fingerprint> fingerprints = ArticleText.fingerprints(paragraphs);
        long version = ArticleText.version(a.title(), fingerprints);
        long seq = 41;
        pending.put(PendingKeys.of("old", seq), new PendingArticle(PendingArticle.headerOf(a), paragraphs, fingerprints,
                version, 1));
        List<ParagraphProbe> probes = new ArrayList<>();
        for (int i = 0; i < fingerprints.size(); i++) {
            probes.add(new ParagraphProbe(i, fingerprints.get(i).exact(), fingerprints.get(i).signature(),
                    fingerprints.get(i).keys()));
        }
        TestInputTopic<String, ProbeBatch> inFlight = driver.createInputTopic(APP + "-" + NewsflowTopology.PROBE_TOPIC
                + "-repartition", new StringSerializer(), DedupSerdes.probeBatch().serializer());
        inFlight.pipeInput("old", new ProbeBatch("old", version, seq, 0, 0, probes, 1));

        List<EnrichedArticle> out = enriched.readValuesToList();
        assertEquals(1, out.size());
        assertEquals("old", out.get(0).id());
        assertEquals(2, out.get(0).paragraphsKept());
        assertNull(firstParked(), "the parked article was taken out");

        // and its paragraphs were registered: a repost after the upgrade is found
        articles.pipeInput("new", new Article("new", "Repost", null, null, null, FIRST));
        assertEquals("old", enriched.readValue().removedParagraphs().get(0).duplicateOf().articleId());
    }

    private String firstParked() {
        try (var it = pending.all()) {
            return it.hasNext() ? it.next().key : null;
        }
    }
}
