package io.newsflow.views;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArticleTimeTest {

    private static Instant parsed(String s) {
        return ArticleTime.parse(s).orElseThrow(() -> new AssertionError("not parsed: " + s));
    }

    @Test
    void shouldReadTheFormatsOfTheCorporaAndSeeds() {
        assertEquals(Instant.parse("2025-08-02T00:55:10Z"), parsed("2025-08-02T00:55:10Z"));
        assertEquals(Instant.parse("2025-08-01T22:55:10Z"), parsed("2025-08-02T00:55:10+02:00"));
        assertEquals(Instant.parse("2025-08-02T00:55:10Z"), parsed("2025-08-02T00:55:10"));
        assertEquals(Instant.parse("2025-08-02T00:55:10Z"), parsed("2025-08-02 00:55:10"));
        assertEquals(Instant.parse("2025-08-02T00:00:00Z"), parsed("2025-08-02"));
        assertEquals(Instant.parse("2020-04-28T00:00:00Z"), parsed("April 28, 2020"));
        assertEquals(Instant.parse("2018-08-16T00:00:00Z"), parsed("Aug. 16, 2018"));
        assertEquals(Instant.parse("2019-09-05T00:00:00Z"), parsed("Sept. 5, 2019"));
        assertEquals(Instant.parse("2020-04-28T00:00:00Z"), parsed("28 April 2020"));
        assertEquals(Instant.parse("2020-04-28T10:00:00Z"), parsed("Tue, 28 Apr 2020 10:00:00 GMT"));
    }

    @Test
    void shouldRejectWhatIsNotADate() {
        for (String s : new String[] {null, "", "  ", "yesterday", "Mayday 5, 2020", "Feb 30, 2020", "2020-13-01"}) {
            assertEquals(Optional.empty(), ArticleTime.parse(s), "'" + s + "'");
        }
    }

    @Test
    void shouldFallBackToTheRecordTimestamp() {
        long record = Instant.parse("2026-01-10T12:00:00Z").toEpochMilli();
        assertEquals(record, ArticleTime.of(null, record));
        assertEquals(record, ArticleTime.of("not a date", record));
        assertEquals(Instant.parse("2020-04-28T00:00:00Z").toEpochMilli(), ArticleTime.of("April 28, 2020", record));
        assertTrue(ArticleTime.usesPublishedAt("April 28, 2020", record));
        // a publication time far after the record was written is a typo, not the future
        assertEquals(record, ArticleTime.of("2092-01-01T00:00:00Z", record));
        assertFalse(ArticleTime.usesPublishedAt("2092-01-01T00:00:00Z", record));
        // a few hours ahead is a time zone, not a typo
        assertEquals(record + 3_600_000, ArticleTime.of("2026-01-10T13:00:00Z", record));
    }
}
