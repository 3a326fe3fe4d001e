package io.newsflow.launcher.chaos;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.newsflow.model.JsonSerde;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads what the file sink wrote: the JSON Lines file as its checkpoint vouches for it, and its offsets. */
public final class SinkOutput {
    private SinkOutput() {
    }

    /**
     * The sink's file as a restarted sink would keep it: the first {@code checkpoint.length} bytes.
     *
     * @param byId          every line per article id, in file order
     * @param lines         lines in that part of the file
     * @param fileLength    the file's actual length (longer than the checkpointed length only after a crash)
     * @param offsets       the checkpoint's next offset per partition of articles-enriched
     */
    public record Snapshot(Map<String, List<JsonNode>> byId, long lines, long fileLength, long checkpointLength,
                           Map<Integer, Long> offsets) {

        public long duplicatedIds() {
            return byId.values().stream().filter(l -> l.size() > 1).count();
        }

        /** The last line of each id (what a reader of the file would take as the article). */
        public Map<String, JsonNode> latest() {
            Map<String, JsonNode> out = new LinkedHashMap<>();
            byId.forEach((id, l) -> out.put(id, l.get(l.size() - 1)));
            return out;
        }
    }

    public static Path checkpointOf(Path dataFile) {
        return Path.of(dataFile.toAbsolutePath() + ".checkpoint");
    }

    public static Snapshot read(Path dataFile) throws IOException {
        Checkpoint cp = readCheckpoint(dataFile);
        long fileLength = Files.exists(dataFile) ? Files.size(dataFile) : 0;
        Map<String, List<JsonNode>> byId = new LinkedHashMap<>();
        long lines = 0;
        if (cp.length() > 0) {
            byte[] bytes = new byte[(int) Math.min(cp.length(), fileLength)];
            try (RandomAccessFile f = new RandomAccessFile(dataFile.toFile(), "r")) {
                f.readFully(bytes);
            }
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode node = JsonSerde.MAPPER.readTree(line);
                byId.computeIfAbsent(node.path("id").asText(), k -> new ArrayList<>(1)).add(node);
                lines++;
            }
        }
        return new Snapshot(byId, lines, fileLength, cp.length(), cp.offsets());
    }

    /** The sink's checkpoint: data length and next offset per partition of the enriched topic. */
    public record Checkpoint(long length, Map<Integer, Long> offsets) {
    }

    public static Checkpoint readCheckpoint(Path dataFile) throws IOException {
        Path file = checkpointOf(dataFile);
        if (!Files.exists(file)) {
            return new Checkpoint(0, Map.of());
        }
        JsonNode node = JsonSerde.MAPPER.readTree(file.toFile());
        Map<Integer, Long> offsets = new TreeMap<>();
        node.path("offsets").fields().forEachRemaining(f -> {
            String tp = f.getKey();
            offsets.put(Integer.parseInt(tp.substring(tp.lastIndexOf('-') + 1)), f.getValue().asLong());
        });
        return new Checkpoint(node.path("length").asLong(), offsets);
    }

    /**
     * Follows the file while the sink writes it, for progress and for knowing when every article is in. Only complete
     * lines are read. A restarted sink cuts the file back to its checkpoint, so {@link #reset()} after each restart.
     */
    public static final class Tail {
        private final Path file;
        private final Map<String, Integer> counts = new HashMap<>();
        private long position;
        private long lines;

        public Tail(Path file) {
            this.file = file;
        }

        public synchronized void reset() {
            counts.clear();
            position = 0;
            lines = 0;
        }

        public synchronized void poll() throws IOException {
            if (!Files.exists(file)) {
                return;
            }
            long size = Files.size(file);
            if (size < position) {
                reset(); // cut back by a restart we did not see
            }
            if (size == position) {
                return;
            }
            byte[] bytes = new byte[(int) Math.min(size - position, 64L * 1024 * 1024)];
            try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                f.seek(position);
                f.readFully(bytes);
            }
            int start = 0;
            for (int i = 0; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    if (i > start) {
                        counts.merge(idOf(bytes, start, i - start), 1, Integer::sum);
                        lines++;
                    }
                    start = i + 1;
                }
            }
            position += start;
        }

        public synchronized boolean contains(String id) {
            return counts.containsKey(id);
        }

        public synchronized long distinctIds() {
            return counts.size();
        }

        public synchronized long lines() {
            return lines;
        }

        private static String idOf(byte[] b, int off, int len) throws IOException {
            try (JsonParser p = JsonSerde.MAPPER.getFactory().createParser(b, off, len)) {
                int depth = 0;
                for (JsonToken t = p.nextToken(); t != null; t = p.nextToken()) {
                    if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                        depth++;
                    } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                        depth--;
                    } else if (depth == 1 && t == JsonToken.FIELD_NAME && "id".equals(p.currentName())) {
                        return p.nextTextValue();
                    }
                }
            }
            return "";
        }
    }
}
