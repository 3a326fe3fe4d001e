package io.newsflow.processor;

import io.newsflow.classify.ThemeClassifier;
import io.newsflow.dedup.ArticleText;
import io.newsflow.dedup.DedupSettings;
import io.newsflow.dedup.ParagraphFingerprinter;
import io.newsflow.model.Article;
import io.newsflow.model.ArticleFiles;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.KeptParagraph;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.RemovedParagraph;
import io.newsflow.model.Topics;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What dedup removes on real news: the seed pages always, the Reuters corpus when it is present. */
class DedupQualityTest {
    static final Path SEEDS = Path.of("..", "seeds");
    static final Path CORPORA = Path.of(System.getProperty("newsflow.corpora", "../../shared/corpora"));
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}]+");

    @TempDir
    Path stateDir;

    private long stateKiB;

    /** Runs articles through the topology in order and returns the enriched events. */
    private List<EnrichedArticle> run(List<Article> articles) throws Exception {
        ProcessorConfig config = new ProcessorConfig("unused:9092", "dedup-quality", stateDir, 1,
                new DedupSettings(0.7, Duration.ofDays(30), 3), null);
        try (TopologyTestDriver driver = new TopologyTestDriver(
                NewsflowTopology.build(config.dedup(), 3, ThemeClassifier.defaults()), config.streamsProperties())) {
            TestInputTopic<String, Article> in = driver.createInputTopic(Topics.ARTICLES, new StringSerializer(),
                    NewsflowSerdes.article().serializer());
            TestOutputTopic<String, EnrichedArticle> out = driver.createOutputTopic(Topics.ENRICHED,
                    new StringDeserializer(), NewsflowSerdes.enriched().deserializer());
            articles.forEach(a -> in.pipeInput(a.id(), a));
            List<EnrichedArticle> enriched = out.readValuesToList();
            stateKiB = sizeKiB(stateDir); // measured before the driver closes and wipes it
            return enriched;
        }
    }

    @Test
    void shouldRemoveTheRepeatedAndRewordedParagraphsOfTheSeedPages() throws Exception {
        List<EnrichedArticle> out = run(ArticleFiles.readAll(SEEDS));
        EnrichedArticle alipay = out.stream().filter(e -> e.id().startsWith("001_")).findFirst().orElseThrow();
        Map<Integer, RemovedParagraph> removed = new HashMap<>();
        alipay.removedParagraphs().forEach(r -> removed.put(r.index(), r));

        RemovedParagraph reworded = removed.values().stream()
                .filter(r -> r.text().startsWith("Alibaba has integrated a full-link traceability")).findFirst().orElseThrow();
        assertEquals("NEAR", reworded.kind());
        assertTrue(textOf(alipay, reworded.duplicateOf().index()).startsWith("Alibaba has recently announced its integration"));

        RemovedParagraph tweet = removed.values().stream()
                .filter(r -> r.text().startsWith("As mentioned in a Twitter thread, Alipay tweeted")).findFirst().orElseThrow();
        assertEquals("NEAR", tweet.kind());
        assertTrue(textOf(alipay, tweet.duplicateOf().index()).startsWith("Alipay reiterated, “if any transactions"));

        assertTrue(alipay.removedParagraphs().stream().filter(r -> r.kind().equals("EXACT")).count() >= 4);
        for (EnrichedArticle e : out) {
            assertNothingRemovedBelowHalfResemblance(e, byId(out));
        }
    }

    @Test
    void shouldRemoveEveryExactRepeatOfTheReutersCorpusAndNothingDissimilar() throws Exception {
        Path reuters = CORPORA.resolve("reuters-bitcoin.jsonl");
        Assumptions.assumeTrue(Files.exists(reuters), "corpus not present at " + reuters);
        List<Article> articles = ArticleFiles.readAll(reuters);
        List<EnrichedArticle> out = run(articles);
        assertEquals(articles.size(), out.size());

        // reference: a paragraph is an exact repeat when its normalised text appeared earlier in the stream
        Map<String, Boolean> seen = new HashMap<>();
        int exactRepeats = 0;
        int missed = 0;
        int paragraphs = 0;
        for (int a = 0; a < articles.size(); a++) {
            List<String> texts = ArticleText.paragraphs(articles.get(a));
            Map<Integer, RemovedParagraph> removed = new HashMap<>();
            out.get(a).removedParagraphs().forEach(r -> removed.put(r.index(), r));
            for (int i = 0; i < texts.size(); i++) {
                paragraphs++;
                String normal = normalise(texts.get(i));
                if (seen.putIfAbsent(normal, true) != null) {
                    exactRepeats++;
                    if (!removed.containsKey(i)) {
                        missed++;
                    }
                }
            }
        }
        Map<String, EnrichedArticle> byId = byId(out);
        long near = 0;
        for (EnrichedArticle e : out) {
            assertNothingRemovedBelowHalfResemblance(e, byId);
            near += e.removedParagraphs().stream().filter(r -> r.kind().equals("NEAR")).count();
        }
        System.out.printf("reuters: articles=%d paragraphs=%d exact_repeats=%d missed=%d near_removed=%d state=%d KiB%n",
                articles.size(), paragraphs, exactRepeats, missed, near, stateKiB);
        assertEquals(0, missed, "recall of exact repeats must be 1.0 (" + exactRepeats + " repeats)");
        assertTrue(exactRepeats > 1000, "the corpus reposts many bodies");
    }

    private static String normalise(String text) {
        StringBuilder b = new StringBuilder();
        WORD.matcher(text.toLowerCase()).results().forEach(m -> b.append(m.group()).append(' '));
        return b.toString();
    }

    private static Map<String, EnrichedArticle> byId(List<EnrichedArticle> out) {
        Map<String, EnrichedArticle> byId = new HashMap<>();
        out.forEach(e -> byId.put(e.id(), e));
        return byId;
    }

    /** Each removed paragraph resembles the paragraph it points to at 0.5 or more (exact measure). */
    private static void assertNothingRemovedBelowHalfResemblance(EnrichedArticle e, Map<String, EnrichedArticle> byId) {
        for (RemovedParagraph r : e.removedParagraphs()) {
            EnrichedArticle original = byId.get(r.duplicateOf().articleId());
            String target = textOf(original, r.duplicateOf().index());
            double resemblance = ParagraphFingerprinter.resemblance(r.text(), target);
            assertTrue(resemblance >= 0.5, e.id() + "#" + r.index() + " removed as a copy of " + r.duplicateOf()
                    + " with resemblance " + resemblance);
        }
    }

    private static String textOf(EnrichedArticle e, int index) {
        for (KeptParagraph k : e.paragraphs()) {
            if (k.index() == index) {
                return k.text();
            }
        }
        for (RemovedParagraph r : e.removedParagraphs()) {
            if (r.index() == index) {
                return r.text();
            }
        }
        throw new AssertionError(e.id() + " has no paragraph " + index);
    }

    private static long sizeKiB(Path dir) throws Exception {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.filter(Files::isRegularFile).forEach(files::add);
        }
        long bytes = 0;
        for (Path f : files) {
            bytes += Files.size(f);
        }
        return bytes / 1024;
    }
}
