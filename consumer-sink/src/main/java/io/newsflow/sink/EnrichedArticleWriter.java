package io.newsflow.sink;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.kafka.common.TopicPartition;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Where the sink writes enriched articles. An implementation stores the consumed positions atomically with the
 * data, so the consumer resumes exactly where the written data ends.
 */
public interface EnrichedArticleWriter extends AutoCloseable {

    /** One consumed record: its position and its JSON value. */
    record Entry(TopicPartition partition, long offset, byte[] value) {
    }

    /**
     * Next offset to read per partition of {@code clusterId}, as stored with the data (absent: from the
     * beginning). Offsets stored for another cluster are not used; later writes store offsets for this one.
     */
    Map<TopicPartition, Long> resumeOffsets(String clusterId) throws IOException;

    /** Writes a batch together with its positions; returns how many articles it wrote. */
    int write(List<Entry> batch) throws IOException;

    /** Articles written by this writer since it was opened, plus those found on open. */
    long written();

    /** Everything written so far, one enriched event per article as stored. */
    List<JsonNode> readBack() throws IOException;

    String describe();

    @Override
    void close() throws IOException;
}
