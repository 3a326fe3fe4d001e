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
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void shouldRollBySizeAndFinishARollInterruptedByACrash() throws Exception {
        Path file = dir.resolve("out.jsonl");
        JsonlFileSink.Rolling small = new JsonlFileSink.Rolling(100, java.time.Duration.ZERO);
        List<String> expected = new java.util.ArrayList<>();
        long offset = 0;
        try (JsonlFileSink sink = new JsonlFileSink(file, small)) {
            sink.resumeOffsets("c1");
            for (int i = 0; i < 6; i++) {
                String id = "r" + i;
                expected.add(id);
                sink.write(List.of(entry(P0, offset++, id, "body " + i)));
            }
            assertTrue(sink.files().size() > 2, "several segments were rolled: " + sink.files());
        }
        // a crash in the middle of a roll: the active file renamed, the checkpoint not yet replaced
        int segmentsBefore;
        try (JsonlFileSink sink = new JsonlFileSink(file, small)) {
            segmentsBefore = sink.files().size() - 1;
            sink.resumeOffsets("c1");
            sink.write(List.of(entry(P0, offset++, "r6", "body 6")));
            expected.add("r6");
            Files.move(file, sink.segment(segmentsBefore + 1));
        }
        try (JsonlFileSink sink = new JsonlFileSink(file, small)) {
            assertEquals(Map.of(P0, offset), sink.resumeOffsets("c1"));
            sink.write(List.of(entry(P0, offset - 1, "r6", "body 6"), entry(P0, offset++, "r7", "body 7")));
            expected.add("r7");
            List<String> ids = sink.readBack().stream().map(n -> n.path("id").asText()).toList();
            assertEquals(expected, ids, "every article exactly once, in order, across segments");
        }
    }
}
