package io.newsflow.views;


import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The time an article belongs to in the dashboard's windows: its {@code publishedAt} when that parses, else the
 * record's timestamp. Formats read: ISO-8601 instant, offset or local date-time (local = UTC), ISO date,
 * RFC 1123, and English dates such as {@code April 28, 2020}, {@code Aug. 16, 2018}, {@code Sept. 5, 2019},
 * {@code 28 April 2020}. A date without a time is midnight UTC of that day.
 *
 * <p>A publication time more than {@link #MAX_FUTURE} after the record's own timestamp is not believed (a typo
 * such as 2092 would otherwise advance stream time and close every window); the record timestamp is used instead.
 */
public final class ArticleTime {

    /** How far past the record timestamp a publication time may lie (time zones, clock skew). */
    public static final long MAX_FUTURE = 24 * 3600_000L;

    private static final Pattern MONTH_DAY_YEAR =
            Pattern.compile("([A-Za-z]{3,9})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})");
    private static final Pattern DAY_MONTH_YEAR =
            Pattern.compile("(\\d{1,2})\\s+([A-Za-z]{3,9})\\.?,?\\s+(\\d{4})");
    private static final Map<String, Integer> MONTHS = Map.ofEntries(
            Map.entry("jan", 1), Map.entry("feb", 2), Map.entry("mar", 3), Map.entry("apr", 4),
            Map.entry("may", 5), Map.entry("jun", 6), Map.entry("jul", 7), Map.entry("aug", 8),
            Map.entry("sep", 9), Map.entry("oct", 10), Map.entry("nov", 11), Map.entry("dec", 12));

    /** The article time for a publication string and the record timestamp to fall back on. */
    public static long of(String publishedAt, long recordTimestamp) {
        recordTimestamp = Math.max(recordTimestamp, 0);
        Optional<Instant> parsed = parse(publishedAt);
        if (parsed.isEmpty()) {
            return recordTimestamp;
        }
        long t = parsed.get().toEpochMilli();
        return t > recordTimestamp + MAX_FUTURE || t < 0 ? recordTimestamp : t;
    }

    /** Whether {@link #of} would use the publication time. */
    public static boolean usesPublishedAt(String publishedAt, long recordTimestamp) {
        Optional<Instant> parsed = parse(publishedAt);
        return parsed.isPresent() && of(publishedAt, recordTimestamp) == parsed.get().toEpochMilli();
    }

    /** Parses a publication time in one of the formats above; empty when it is none of them. */
    public static Optional<Instant> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.empty();
        }
        String s = text.strip();
        try {
            return Optional.of(Instant.parse(s));
        } catch (DateTimeException ignored) {
            // next format
        }
        try {
            return Optional.of(OffsetDateTime.parse(s).toInstant());
        } catch (DateTimeException ignored) {
            // next format
        }
        try {
            return Optional.of(ZonedDateTime.parse(s).toInstant());
        } catch (DateTimeException ignored) {
            // next format
        }
        try {
            return Optional.of(LocalDateTime.parse(s.replace(' ', 'T')).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException ignored) {
            // next format
        }
        try {
            return Optional.of(LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeException ignored) {
            // next format
        }
        try {
            return Optional.of(ZonedDateTime.parse(s, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant());
        } catch (DateTimeException ignored) {
            // next format
        }
        Matcher m = MONTH_DAY_YEAR.matcher(s);
        if (m.matches()) {
            return date(m.group(3), m.group(1), m.group(2));
        }
        m = DAY_MONTH_YEAR.matcher(s);
        if (m.matches()) {
            return date(m.group(3), m.group(2), m.group(1));
        }
        return Optional.empty();
    }

    private static Optional<Instant> date(String year, String monthWord, String day) {
        String word = monthWord.toLowerCase(Locale.ROOT);
        Integer month = MONTHS.get(word.substring(0, 3));
        if (month == null || !isMonthName(word)) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDate.of(Integer.parseInt(year), month, Integer.parseInt(day))
                    .atStartOfDay(ZoneOffset.UTC).toInstant());
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    /** "aug", "august" and "sept" are months; "augustus" or "mayday" are not. */
    private static boolean isMonthName(String word) {
        for (java.time.Month month : java.time.Month.values()) {
            String full = month.name().toLowerCase(Locale.ROOT);
            if (full.startsWith(word) || (word.equals("sept") && full.equals("september"))) {
                return true;
            }
        }
        return false;
    }
}
