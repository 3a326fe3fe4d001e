package io.newsflow.sink;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonlFileSinkTest {
    private static final TopicPartition P0 = new TopicPartition("articles-enriched", 0);
    private static final TopicPartition P1 = new TopicPartition("articles-enriched", 1);

    @TempDir
    Path dir;

    private static EnrichedArticleWriter.Entry entry(TopicPartition tp, long offset, String id, String body) {
        String json = "{\"id\":\"" + id + "\",\"body\":\"" + body + "\",\"processedAt\":\"" + System.nanoTime() + "\"}";
        return new EnrichedArticleWriter.Entry(tp, offset, json.getBytes(StandardCharsets.UTF_8));
    }

    private List<String> ids(Path file) throws Exception {
        return Files.readAllLines(file).stream().map(l -> l.replaceAll(".*\"id\":\"([^\"]+)\".*", "$1")).toList();
    }

    @Test
    void shouldCutBackToTheCheckpointAndResumeFromItsOffsetsAfterACrash() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (JsonlFileSink sink = new JsonlFileSink(file)) {
            sink.resumeOffsets("c1");
            sink.write(List.of(entry(P0, 0, "a", "x"), entry(P1, 0, "b", "y")));
        }
        // A crash after the data reached the file but before the checkpoint was replaced:
        Files.writeString(file, "{\"id\":\"c\",\"body\":\"half-writ", StandardOpenOption.APPEND);

        try (JsonlFileSink sink = new JsonlFileSink(file)) {
            assertEquals(Map.of(P0, 1L, P1, 1L), sink.resumeOffsets("c1"));
            // the consumer resumes at those offsets; anything older that is delivered again is ignored too
            sink.write(List.of(entry(P0, 0, "a", "x"), entry(P0, 1, "c", "z"), entry(P1, 1, "d", "w")));
        }
        assertEquals(List.of("a", "b", "c", "d"), ids(file));
    }

    @Test
    void shouldNotWriteARedeliveredArticleTwiceButShouldWriteANewVersion() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (JsonlFileSink sink = new JsonlFileSink(file)) {
            sink.resumeOffsets("c1");
            sink.write(List.of(entry(P0, 0, "a", "x")));
            sink.write(List.of(entry(P0, 1, "a", "x")));  // same content, later processedAt: a re-delivery
        }
        try (JsonlFileSink sink = new JsonlFileSink(file)) { // the index of written ids survives a restart
            sink.resumeOffsets("c1");
            sink.write(List.of(entry(P0, 2, "a", "x")));
            sink.write(List.of(entry(P0, 3, "a", "edited")));
        }
        assertEquals(List.of("a", "a"), ids(file));
        assertEquals(2, Files.readAllLines(file).size());
    }

    @Test
    void shouldReadFromTheBeginningWhenTheCheckpointCameFromAnotherCluster() throws Exception {
        Path file = dir.resolve("out.jsonl");
        try (JsonlFileSink sink = new JsonlFileSink(file)) {
            sink.resumeOffsets("old-cluster");
            sink.write(List.of(entry(P0, 0, "a", "x"), entry(P0, 1, "b", "y")));
        }
        try (JsonlFileSink sink = new JsonlFileSink(file)) {
            assertEquals(Map.of(), sink.resumeOffsets("new-cluster"));
            sink.write(List.of(entry(P0, 0, "a", "x"), entry(P0, 1, "c", "z")));
        }
        assertEquals(List.of("a", "b", "c"), ids(file));
    }
}
