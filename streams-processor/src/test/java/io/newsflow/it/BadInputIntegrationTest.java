package io.newsflow.it;

import io.newsflow.dedup.DedupSettings;
import io.newsflow.embedded.EmbeddedKafkaBroker;
import io.newsflow.model.Article;
import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.NewsflowSerdes;
import io.newsflow.model.Topics;
import io.newsflow.processor.ProcessorConfig;
import io.newsflow.processor.StreamsProcessorApp;
import io.newsflow.producer.ArticlePublisher;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every kind of bad input, on the real broker: processed or dead-lettered with its reason, never stopping the pipeline. */
class BadInputIntegrationTest {

    @TempDir
    Path dir;

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void shouldDeadLetterOrProcessEveryKindOfBadInputAndKeepRunning() throws Exception {
        Map<String, byte[]> deadLetters = new LinkedHashMap<>();
        deadLetters.put("not-json", utf8("this is not json at all"));
        deadLetters.put("not-an-object", utf8("[\"an\", \"array\"]"));
        deadLetters.put("invalid-utf8", new byte[] {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        deadLetters.put("missing-id", utf8("{\"title\":\"t\",\"body\":\"some text here\"}"));
        deadLetters.put("blank-id", utf8("{\"id\":\"   \",\"title\":\"t\",\"body\":\"some text here\"}"));
        deadLetters.put("missing-body", utf8("{\"id\":\"missing-body\",\"title\":\"t\"}"));
        deadLetters.put("empty-body", utf8("{\"id\":\"empty-body\",\"title\":\"t\",\"body\":\"\"}"));
        deadLetters.put("whitespace-body", utf8("{\"id\":\"whitespace-body\",\"title\":\"t\",\"body\":\" \\n\\n \\t \"}"));

        StringBuilder huge = new StringBuilder();
        for (int i = 0; i < 10_000; i++) {
            huge.append("Paragraph ").append(i).append(" of a very long article: ").append(Integer.toHexString(i * 7919))
                    .append(" observations on payments.\n\n");
        }
        List<Article> processed = List.of(
                new Article("html-and-control", "<b>Title</b>", null, null, null,
                        "<p>The digital yuan\u0007 pilot&nbsp;expands <a href='x'>to more cities</a>.</p>\n\n\u0000Second paragraph."),
                new Article("boilerplate-only", "Boilerplate", null, null, null, "Image via Shutterstock"),
                new Article("ten-thousand-paragraphs", "Long", null, null, null, huge.toString()),
                new Article("twice", "First version", null, null, null,
                        "A first version paragraph that is long enough to be fingerprinted with a signature.\n\nShared closing words of the story."),
                new Article("twice", "Second version", null, null, null,
                        "A rewritten second version paragraph that says something else entirely, at length.\n\nShared closing words of the story."));
        byte[] extraFields = utf8("{\"id\":\"extra-fields\",\"title\":\"t\",\"body\":\"Body text of an article with extra fields.\",\"lang\":\"en\",\"tags\":[1,2]}");

        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dir.resolve("broker"))) {
            String bootstrap = broker.bootstrapServers();
            ProcessorConfig config = new ProcessorConfig(bootstrap, "bad-input-it", dir.resolve("state"), 1,
                    new DedupSettings(0.7, Duration.ofDays(30), 3), null);
            List<String> problems = new ArrayList<>();
            try (StreamsProcessorApp app = StreamsProcessorApp.start(config, 3, false);
                 ArticlePublisher publisher = new ArticlePublisher(bootstrap, Topics.ARTICLES, problems::add)) {
                assertTrue(app.awaitRunning(Duration.ofSeconds(60)));
                deadLetters.forEach((key, bytes) -> publisher.publishRaw(key, bytes, key));
                processed.forEach(publisher::publish);
                publisher.publishRaw("extra-fields", extraFields, "extra-fields");
                // above the broker's 1 MB default: the producer reports it and carries on
                publisher.publish(new Article("too-big", "Too big", null, null, null, "x".repeat(2_000_000)));
                publisher.flush();
                assertEquals(1, publisher.failed());
                assertTrue(problems.get(0).contains("too-big") && problems.get(0).contains("maximum message size"), problems.get(0));

                int expectedEnriched = processed.size() + 1;
                List<ConsumerRecord<String, byte[]>> dlq = KafkaTestSupport.readAll(bootstrap, Topics.DLQ, deadLetters.size(), Duration.ofSeconds(60));
                List<ConsumerRecord<String, byte[]>> enriched = KafkaTestSupport.readAll(bootstrap, Topics.ENRICHED, expectedEnriched, Duration.ofSeconds(60));

                assertEquals(deadLetters.size(), dlq.size(), "each malformed event is dead-lettered once");
                for (ConsumerRecord<String, byte[]> r : dlq) {
                    assertArrayEquals(deadLetters.get(r.key()), r.value(), "original bytes kept for " + r.key());
                    Header reason = r.headers().lastHeader("__streams.errors.message");
                    assertNotNull(reason, "reason header for " + r.key());
                    assertFalse(new String(reason.value(), StandardCharsets.UTF_8).isBlank());
                }
                assertEquals(expectedEnriched, enriched.size(), "articles in = enriched + dead-lettered");
                assertEquals(publisher.sent(), enriched.size() + dlq.size());

                Map<String, List<EnrichedArticle>> byId = enriched.stream()
                        .map(r -> NewsflowSerdes.enriched().deserializer().deserialize(Topics.ENRICHED, r.value()))
                        .collect(Collectors.groupingBy(EnrichedArticle::id, LinkedHashMap::new, Collectors.toList()));
                EnrichedArticle html = byId.get("html-and-control").get(0);
                assertEquals("The digital yuan pilot expands to more cities .", html.paragraphs().get(0).text());
                assertEquals("Second paragraph.", html.paragraphs().get(1).text());
                assertEquals(10_000, byId.get("ten-thousand-paragraphs").get(0).paragraphsIn());
                assertEquals(1, byId.get("boilerplate-only").get(0).paragraphsKept());
                List<EnrichedArticle> twice = byId.get("twice");
                assertEquals(2, twice.size(), "both versions are processed, in order");
                assertEquals("Second version", twice.get(1).title());
                assertTrue(twice.get(1).removedParagraphs().isEmpty(), "a new version is not a duplicate of its earlier version");
                assertEquals(1, byId.get("extra-fields").get(0).paragraphsKept());
            }
        }
    }
}
