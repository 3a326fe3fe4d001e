package io.newsflow.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.newsflow.model.JsonSerde;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Appends enriched articles to a JSON Lines file, exactly once. After each batch the data is fsynced, then a small
 * checkpoint (active file length, number of rolled segments, source cluster id, next offset of every partition)
 * replaces the old one by atomic rename. On open the active file is cut back to the checkpointed length and
 * consumption resumes at the checkpointed offsets, so a crash at any instant leaves every article exactly once.
 *
 * <p>The file rolls when it reaches a size or an age: the active file {@code name.jsonl} is renamed to
 * {@code name.000001.jsonl} (then {@code .000002} ...) and a fresh one started; a crash between the rename and the
 * checkpoint is finished on the next open. An event whose content (ignoring processedAt) equals the last line
 * written for its id, in any segment, is a re-delivery and is not written again.
 */
public final class JsonlFileSink implements EnrichedArticleWriter {

    /** Roll policy: 0 disables a limit. */
    public record Rolling(long maxBytes, Duration maxAge) {
        public static final Rolling NEVER = new Rolling(0, Duration.ZERO);

        boolean due(long length, long openedAtMs, long nowMs) {
            return length > 0 && ((maxBytes > 0 && length >= maxBytes)
                    || (!maxAge.isZero() && nowMs - openedAtMs >= maxAge.toMillis()));
        }
    }

    private final Path dataFile;
    private final Path checkpointFile;
    private final Rolling rolling;
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final Map<String, Integer> contentHashById = new HashMap<>();
    private FileChannel channel;
    private long length;
    private int segments;
    private long openedAtMs;
    private long linesWritten;
    private String clusterId;

    public JsonlFileSink(Path dataFile) throws IOException {
        this(dataFile, Rolling.NEVER);
    }

    public JsonlFileSink(Path dataFile, Rolling rolling) throws IOException {
        this.dataFile = dataFile.toAbsolutePath();
        this.checkpointFile = Path.of(this.dataFile + ".checkpoint");
        this.rolling = rolling;
        Path parent = this.dataFile.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Checkpoint checkpoint = Checkpoint.read(checkpointFile);
        nextOffsets.putAll(checkpoint.offsets());
        clusterId = checkpoint.clusterId();
        segments = checkpoint.segments();
        length = checkpoint.length();
        if (!Files.exists(this.dataFile) && Files.exists(segment(segments + 1))) {
            // crashed after renaming the active file and before checkpointing the roll: finish the roll
            segments++;
            length = 0;
            checkpoint();
        }
        openActive();
        // Anything past the checkpointed length was written after the last checkpoint: its offsets are replayed.
        channel.truncate(length);
        for (int s = 1; s <= segments; s++) {
            index(segment(s));
        }
        index(this.dataFile);
    }

    private void openActive() throws IOException {
        channel = FileChannel.open(dataFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.READ);
        openedAtMs = System.currentTimeMillis();
    }

    /** The n-th rolled segment: {@code name.00000n.jsonl} next to the active {@code name.jsonl}. */
    Path segment(int n) {
        return segmentOf(dataFile, n);
    }

    private static Path segmentOf(Path active, int n) {
        String name = active.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String base = dot > 0 ? name.substring(0, dot) : name;
        String ext = dot > 0 ? name.substring(dot) : "";
        return active.resolveSibling(String.format("%s.%06d%s", base, n, ext));
    }

    /** All files holding output, oldest first: rolled segments, then the active file. */
    public List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (int s = 1; s <= segments; s++) {
            files.add(segment(s));
        }
        files.add(dataFile);
        return files;
    }

    private void index(Path file) throws IOException {
        if (!Files.exists(file)) {
            return;
        }
        for (JsonNode node : readLines(file)) {
            contentHashById.put(node.path("id").asText(), contentHash(node));
            linesWritten++;
        }
    }

    private static List<JsonNode> readLines(Path file) throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                try {
                    rows.add(JsonSerde.MAPPER.readTree(line));
                } catch (IOException e) {
                    throw new IOException("sink file " + file + " holds a line that is not JSON", e);
                }
            }
        }
        return rows;
    }

    /**
     * Where to resume each partition, from the last checkpoint (absent: from the beginning). A checkpoint taken
     * on another cluster is not used: reading starts from the beginning and identical re-deliveries are skipped.
     */
    @Override
    public Map<TopicPartition, Long> resumeOffsets(String clusterId) {
        if (!clusterId.equals(this.clusterId)) {
            nextOffsets.clear();
            this.clusterId = clusterId;
        }
        return Map.copyOf(nextOffsets);
    }

    /** Writes a batch, fsyncs it, then checkpoints (and rolls when due). Returns how many lines were appended. */
    @Override
    public int write(List<Entry> batch) throws IOException {
        StringBuilder out = new StringBuilder();
        int appended = 0;
        for (Entry e : batch) {
            Long next = nextOffsets.get(e.partition());
            if (next != null && e.offset() < next) {
                continue; // already in the file
            }
            nextOffsets.put(e.partition(), e.offset() + 1);
            if (e.value() == null) {
                continue;
            }
            JsonNode node = JsonSerde.MAPPER.readTree(e.value());
            String id = node.path("id").asText();
            int hash = contentHash(node);
            Integer previous = contentHashById.put(id, hash);
            if (previous != null && previous == hash) {
                continue; // a re-delivery of what the file already says for this id
            }
            out.append(JsonSerde.MAPPER.writeValueAsString(node)).append('\n');
            appended++;
        }
        if (out.length() > 0) {
            ByteBuffer bytes = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                length += channel.write(bytes, length);
            }
            channel.force(false);
        }
        if (!batch.isEmpty()) {
            checkpoint();
        }
        linesWritten += appended;
        if (rolling.due(length, openedAtMs, System.currentTimeMillis())) {
            roll();
        }
        return appended;
    }

    /** Seals the active file as the next segment and starts an empty one; the checkpoint records it last. */
    private void roll() throws IOException {
        channel.close();
        Files.move(dataFile, segment(segments + 1), StandardCopyOption.ATOMIC_MOVE);
        segments++;
        length = 0;
        checkpoint();
        openActive();
    }

    private void checkpoint() throws IOException {
        new Checkpoint(length, segments, clusterId, nextOffsets).write(checkpointFile);
    }

    private static int contentHash(JsonNode node) {
        JsonNode copy = node.deepCopy();
        if (copy instanceof ObjectNode o) {
            o.remove("processedAt");
        }
        return copy.hashCode();
    }

    @Override
    public long written() {
        return linesWritten;
    }

    public Path dataFile() {
        return dataFile;
    }

    @Override
    public List<JsonNode> readBack() throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        for (Path f : files()) {
            if (Files.exists(f)) {
                rows.addAll(readLines(f));
            }
        }
        return rows;
    }

    @Override
    public String describe() {
        return dataFile.toString();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    /** Deletes a sink's output: the active file, its rolled segments and its checkpoint. */
    public static void deleteOutput(Path dataFile) throws IOException {
        Path active = dataFile.toAbsolutePath();
        Path checkpoint = Path.of(active + ".checkpoint");
        int segments = Checkpoint.read(checkpoint).segments();
        for (int s = 1; s <= segments + 1; s++) { // +1: a roll interrupted before its checkpoint
            Files.deleteIfExists(segmentOf(active, s));
        }
        Files.deleteIfExists(active);
        Files.deleteIfExists(checkpoint);
    }

    /** The checkpoint, replaced atomically after the data it describes is on disk. */
    record Checkpoint(long length, int segments, String clusterId, Map<TopicPartition, Long> offsets) {
        static Checkpoint read(Path file) throws IOException {
            if (!Files.exists(file)) {
                return new Checkpoint(0, 0, null, Map.of());
            }
            JsonNode node = JsonSerde.MAPPER.readTree(file.toFile());
            Map<TopicPartition, Long> offsets = new HashMap<>();
            node.path("offsets").fields().forEachRemaining(f -> {
                String tp = f.getKey();
                int dash = tp.lastIndexOf('-');
                offsets.put(new TopicPartition(tp.substring(0, dash), Integer.parseInt(tp.substring(dash + 1))),
                        f.getValue().asLong());
            });
            JsonNode cluster = node.get("clusterId");
            return new Checkpoint(node.path("length").asLong(), node.path("segments").asInt(),
                    cluster == null || cluster.isNull() ? null : cluster.asText(), offsets);
        }

        void write(Path file) throws IOException {
            Map<String, Long> byName = new TreeMap<>();
            offsets.forEach((tp, o) -> byName.put(tp.toString(), o));
            Map<String, Object> content = new LinkedHashMap<>();
            content.put("length", length);
            content.put("segments", segments);
            content.put("clusterId", clusterId);
            content.put("offsets", byName);
            Path tmp = Path.of(file + ".tmp");
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                c.write(ByteBuffer.wrap(JsonSerde.MAPPER.writeValueAsBytes(content)));
                c.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
