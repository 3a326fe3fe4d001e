package io.newsflow.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.newsflow.model.JsonSerde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The seed demo end to end: real in-process broker, Kafka Streams processor, file sink. */
class DemoIntegrationTest {

    @TempDir
    Path dir;

    @Test
    void shouldWriteEverySeedArticleOnceClassifiedAndDeduplicated() throws Exception {
        Path out = dir.resolve("enriched.jsonl");
        int exit = DemoCommand.run(new String[] {"--input", "../seeds", "--out", out.toString()});
        assertEquals(0, exit);

        List<String> lines = Files.readAllLines(out);
        assertEquals(5, lines.size(), "one line per seed article");
        Map<String, JsonNode> byId = new HashMap<>();
        for (String line : lines) {
            JsonNode node = JsonSerde.MAPPER.readTree(line);
            assertEquals("1.0", node.path("schemaVersion").asText());
            byId.put(node.path("id").asText(), node);
        }
        assertEquals(5, byId.size(), "no article written twice");
        JsonNode alipay = byId.get("001_6ef4ba3d45813793");
        long exact = 0;
        for (JsonNode r : alipay.path("removedParagraphs")) {
            if (r.path("kind").asText().equals("EXACT")) {
                exact++;
            }
        }
        assertTrue(exact >= 4, "the page's verbatim repeats are removed: " + exact);
        assertEquals(alipay.path("paragraphsIn").asInt(),
                alipay.path("paragraphsKept").asInt() + alipay.path("removedParagraphs").size());
        assertEquals("AI", byId.get("004_7f3748741d6b387d").path("primaryTheme").asText());
    }
}
