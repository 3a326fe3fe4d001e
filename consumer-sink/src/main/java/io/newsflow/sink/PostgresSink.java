package io.newsflow.sink;

import com.fasterxml.jackson.databind.JsonNode;
import io.newsflow.model.JsonSerde;
import org.apache.kafka.common.TopicPartition;
import org.flywaydb.core.Flyway;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Upserts enriched articles into PostgreSQL, one row per article id (a newer version replaces the older one).
 * Each batch's rows and the consumed offsets are written in ONE database transaction, and the consumer resumes
 * from the stored offsets, so whatever crashes, every article is written exactly once. The schema is created or
 * migrated on open by Flyway from {@code db/migration}.
 */
public final class PostgresSink implements EnrichedArticleWriter {

    private static final String UPSERT = """
            INSERT INTO enriched_articles (id, title, published_at, url, source, primary_theme, themes, theme_scores,
                paragraphs, removed_paragraph_count, paragraphs_in, schema_version, processed_at, document,
                kafka_partition, kafka_offset)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?::jsonb, ?, ?)
            ON CONFLICT (id) DO UPDATE SET title = EXCLUDED.title, published_at = EXCLUDED.published_at,
                url = EXCLUDED.url, source = EXCLUDED.source, primary_theme = EXCLUDED.primary_theme,
                themes = EXCLUDED.themes, theme_scores = EXCLUDED.theme_scores, paragraphs = EXCLUDED.paragraphs,
                removed_paragraph_count = EXCLUDED.removed_paragraph_count, paragraphs_in = EXCLUDED.paragraphs_in,
                schema_version = EXCLUDED.schema_version, processed_at = EXCLUDED.processed_at,
                document = EXCLUDED.document, kafka_partition = EXCLUDED.kafka_partition,
                kafka_offset = EXCLUDED.kafka_offset
            """;
    private static final String SAVE_OFFSET = """
            INSERT INTO sink_offsets (cluster_id, topic, partition, next_offset) VALUES (?, ?, ?, ?)
            ON CONFLICT (cluster_id, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset
            """;

    private final String jdbcUrl;
    private final Connection connection;
    private long written;
    private String clusterId = "unknown";

    /**
     * @param jdbcUrl e.g. {@code jdbc:postgresql://127.0.0.1:5432/test}; {@code ?currentSchema=X} selects a schema,
     *                which is created when absent
     */
    public PostgresSink(String jdbcUrl, String user, String password) throws IOException {
        this.jdbcUrl = jdbcUrl;
        try {
            String schema = schemaOf(jdbcUrl);
            var flyway = Flyway.configure().dataSource(jdbcUrl, user, password).locations("classpath:db/migration");
            if (schema != null) {
                flyway = flyway.schemas(schema).defaultSchema(schema).createSchemas(true);
            }
            flyway.load().migrate();
            connection = DriverManager.getConnection(jdbcUrl, user, password);
            connection.setAutoCommit(false);
        } catch (SQLException | RuntimeException e) {
            throw new IOException("cannot open PostgreSQL sink at " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    private static String schemaOf(String jdbcUrl) {
        int q = jdbcUrl.indexOf('?');
        if (q < 0) {
            return null;
        }
        for (String param : jdbcUrl.substring(q + 1).split("&")) {
            if (param.startsWith("currentSchema=")) {
                return param.substring("currentSchema=".length());
            }
        }
        return null;
    }

    @Override
    public Map<TopicPartition, Long> resumeOffsets(String clusterId) throws IOException {
        this.clusterId = clusterId;
        Map<TopicPartition, Long> offsets = new HashMap<>();
        try (PreparedStatement st = connection.prepareStatement(
                "SELECT topic, partition, next_offset FROM sink_offsets WHERE cluster_id = ?")) {
            st.setString(1, clusterId);
            ResultSet rs = st.executeQuery();
            while (rs.next()) {
                offsets.put(new TopicPartition(rs.getString(1), rs.getInt(2)), rs.getLong(3));
            }
            rs.close();
            connection.commit();
        } catch (SQLException e) {
            throw new IOException("cannot read sink offsets: " + e.getMessage(), e);
        }
        return offsets;
    }

    @Override
    public int write(List<Entry> batch) throws IOException {
        if (batch.isEmpty()) {
            return 0;
        }
        // Within a batch only the last version of an id matters; fewer rows, same result.
        Map<String, Entry> latest = new LinkedHashMap<>();
        Map<String, JsonNode> parsed = new HashMap<>();
        Map<TopicPartition, Long> next = new HashMap<>();
        for (Entry e : batch) {
            next.merge(e.partition(), e.offset() + 1, Math::max);
            if (e.value() == null) {
                continue;
            }
            JsonNode node = JsonSerde.MAPPER.readTree(e.value());
            String id = node.path("id").asText();
            latest.remove(id);
            latest.put(id, e);
            parsed.put(id, node);
        }
        try (PreparedStatement upsert = connection.prepareStatement(UPSERT);
             PreparedStatement offsets = connection.prepareStatement(SAVE_OFFSET)) {
            for (Map.Entry<String, Entry> row : latest.entrySet()) {
                bind(upsert, parsed.get(row.getKey()), row.getValue());
                upsert.addBatch();
            }
            upsert.executeBatch();
            for (Map.Entry<TopicPartition, Long> o : next.entrySet()) {
                offsets.setString(1, clusterId);
                offsets.setString(2, o.getKey().topic());
                offsets.setInt(3, o.getKey().partition());
                offsets.setLong(4, o.getValue());
                offsets.addBatch();
            }
            offsets.executeBatch();
            connection.commit();
        } catch (SQLException e) {
            try {
                connection.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new IOException("cannot write batch to PostgreSQL: " + e.getMessage(), e);
        }
        written += latest.size();
        return latest.size();
    }

    private void bind(PreparedStatement st, JsonNode a, Entry e) throws SQLException, IOException {
        List<String> themes = new ArrayList<>();
        a.path("themes").forEach(t -> themes.add(t.path("theme").asText()));
        st.setString(1, a.path("id").asText());
        st.setString(2, text(a, "title"));
        st.setString(3, text(a, "publishedAt"));
        st.setString(4, text(a, "url"));
        st.setString(5, text(a, "source"));
        st.setString(6, text(a, "primaryTheme"));
        st.setArray(7, connection.createArrayOf("text", themes.toArray()));
        st.setString(8, JsonSerde.MAPPER.writeValueAsString(a.path("themes")));
        st.setString(9, JsonSerde.MAPPER.writeValueAsString(a.path("paragraphs")));
        st.setInt(10, a.path("removedParagraphs").size());
        st.setInt(11, a.path("paragraphsIn").asInt());
        st.setString(12, text(a, "schemaVersion"));
        String processedAt = text(a, "processedAt");
        st.setTimestamp(13, processedAt == null ? null : Timestamp.from(Instant.parse(processedAt)));
        st.setString(14, JsonSerde.MAPPER.writeValueAsString(a));
        st.setInt(15, e.partition().partition());
        st.setLong(16, e.offset());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    @Override
    public long written() {
        return written;
    }

    @Override
    public List<JsonNode> readBack() throws IOException {
        List<JsonNode> rows = new ArrayList<>();
        try (PreparedStatement st = connection.prepareStatement("SELECT document FROM enriched_articles ORDER BY kafka_partition, kafka_offset");
             ResultSet rs = st.executeQuery()) {
            while (rs.next()) {
                rows.add(JsonSerde.MAPPER.readTree(rs.getString(1)));
            }
            connection.commit();
        } catch (SQLException e) {
            throw new IOException("cannot read enriched_articles: " + e.getMessage(), e);
        }
        return rows;
    }

    @Override
    public String describe() {
        return jdbcUrl + " (table enriched_articles)";
    }

    @Override
    public void close() throws IOException {
        try {
            connection.close();
        } catch (SQLException e) {
            throw new IOException(e);
        }
    }
}
