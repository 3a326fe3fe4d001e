package io.newsflow.views;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Dead-letter totals of one partition of {@code articles-dlq}: how many, by exception class, and the latest few.
 */
public record DlqTotals(long total, Map<String, Long> byException, List<Entry> recent) {

    /** One dead-lettered record: its key, why, and where it came from. */
    public record Entry(String key, String exception, String message, String topic, String partition, String offset,
                        long timestamp) {
    }

    public static DlqTotals empty() {
        return new DlqTotals(0, new LinkedHashMap<>(), List.of());
    }
}
