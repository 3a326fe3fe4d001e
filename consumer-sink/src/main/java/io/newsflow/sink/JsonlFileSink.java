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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Appends enriched articles to a JSON Lines file, exactly once. After each batch the data is fsynced, then a small
 * checkpoint holding the file length, the source cluster id and the next offset of every partition replaces the old one by atomic rename.
 * On open the file is cut back to the checkpointed length and consumption resumes at the checkpointed offsets, so
 * a crash at any instant leaves every article exactly once. An event whose content (ignoring processedAt) equals
 * the last line written for its id is a re-delivery and is not written again.
 */
public final class JsonlFileSink implements EnrichedArticleWriter {

    private final Path dataFile;
    private final Path checkpointFile;
    private final FileChannel channel;
    private final Map<TopicPartition, Long> nextOffsets = new HashMap<>();
    private final Map<String, Integer> contentHashById = new HashMap<>();
    private long length;
    private long linesWritten;
    private String clusterId;

    public JsonlFileSink(Path dataFile) throws IOException {
        this.dataFile = dataFile.toAbsolutePath();
        this.checkpointFile = Path.of(this.dataFile + ".checkpoint");
        Path parent = this.dataFile.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Checkpoint checkpoint = Checkpoint.read(checkpointFile);
        this.channel = FileChannel.open(this.dataFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        // Anything past the checkpointed length was written after the last checkpoint: its offsets are replayed.
        this.length = checkpoint.length();
        channel.truncate(length);
        nextOffsets.putAll(checkpoint.offsets());
        clusterId = checkpoint.clusterId();
        indexExistingLines();
    }

    private void indexExistingLines() throws IOException {
        if (length == 0) {
            return;
        }
        try (var lines = Files.lines(dataFile, StandardCharsets.UTF_8)) {
            lines.forEach(line -> {
                if (!line.isBlank()) {
                    try {
                        JsonNode node = JsonSerde.MAPPER.readTree(line);
                        contentHashById.put(node.path("id").asText(), contentHash(node));
                        linesWritten++;
                    } catch (IOException e) {
                        throw new IllegalStateException("sink file " + dataFile + " holds a line that is not JSON", e);
                    }
                }
            });
        }
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

    /** Writes a batch, fsyncs it, then checkpoints. Returns how many lines were appended. */
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
            new Checkpoint(length, clusterId, nextOffsets).write(checkpointFile);
        }
        linesWritten += appended;
        return appended;
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
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(dataFile, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                rows.add(JsonSerde.MAPPER.readTree(line));
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

    /** The checkpoint: data file length plus next offset per partition, replaced atomically. */
    record Checkpoint(long length, String clusterId, Map<TopicPartition, Long> offsets) {
        static Checkpoint read(Path file) throws IOException {
            if (!Files.exists(file)) {
                return new Checkpoint(0, null, Map.of());
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
            return new Checkpoint(node.path("length").asLong(), cluster == null || cluster.isNull() ? null : cluster.asText(), offsets);
        }

        void write(Path file) throws IOException {
            Map<String, Long> byName = new TreeMap<>();
            offsets.forEach((tp, o) -> byName.put(tp.toString(), o));
            Map<String, Object> content = new java.util.LinkedHashMap<>();
            content.put("length", length);
            content.put("clusterId", clusterId);
            content.put("offsets", byName);
            byte[] json = JsonSerde.MAPPER.writeValueAsBytes(content);
            Path tmp = Path.of(file + ".tmp");
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                c.write(ByteBuffer.wrap(json));
                c.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
