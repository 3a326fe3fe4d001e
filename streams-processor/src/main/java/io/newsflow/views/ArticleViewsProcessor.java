package io.newsflow.views;

import io.newsflow.model.EnrichedArticle;
import io.newsflow.model.RemovedParagraph;
import io.newsflow.model.ThemeScore;
import io.newsflow.views.ViewStores.LatestKey;
import io.newsflow.views.ViewStores.Totals;
import io.newsflow.views.ViewStores.Window;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps the dashboard's views of {@code articles-enriched} for this task's partition: the article by id (latest
 * version wins), its place in the latest-per-theme lists, its theme counts in hourly and daily windows, and the
 * paragraph totals. A newer version of an id first takes the older one out of everything it was counted in.
 * Windows follow article time ({@link ArticleTime}); stream time is the largest article time this partition has
 * seen, kept in the totals store so that it survives a restore.
 */
final class ArticleViewsProcessor implements Processor<String, EnrichedArticle, Void, Void> {

    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, ArticleView> articles;
    private KeyValueStore<String, ArticleSummary> latest;
    private KeyValueStore<String, Long> totals;
    private WindowStore<String, Long> hourly;
    private WindowStore<String, Long> daily;
    private boolean trimmedAll;
    /** Inserts per theme since its last trim; in memory only, {@link #trimAll} bounds the list after a restart. */
    private final Map<String, Integer> insertsSinceTrim = new HashMap<>();

    static final int TRIM_EVERY = 32;

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        articles = context.getStateStore(ViewStores.ARTICLES);
        latest = context.getStateStore(ViewStores.LATEST);
        totals = context.getStateStore(ViewStores.TOTALS);
        hourly = context.getStateStore(ViewStores.COUNTS_HOURLY);
        daily = context.getStateStore(ViewStores.COUNTS_DAILY);
    }

    /**
     * Once per start, at the first record (store writes need a record context, which init has not): at most the limit
     * per theme, whatever came before.
     */
    private void trimAll() {
        List<String> drop = new ArrayList<>();
        String theme = null;
        int seen = 0;
        try (KeyValueIterator<String, ArticleSummary> it = latest.all()) {
            while (it.hasNext()) {
                String key = it.next().key;
                String t = key.substring(0, Math.max(0, key.indexOf('\u0000')));
                seen = t.equals(theme) ? seen + 1 : 1;
                theme = t;
                if (seen > ViewStores.LATEST_PER_THEME) {
                    drop.add(key);
                }
            }
        }
        drop.forEach(latest::delete);
    }

    @Override
    public void process(Record<String, EnrichedArticle> record) {
        if (!trimmedAll) {
            trimAll();
            trimmedAll = true;
        }
        EnrichedArticle article = record.value();
        if (article == null) {
            return; // tombstones are not part of the enriched topic's contract
        }
        String id = record.key() != null ? record.key() : article.id();
        if (id == null) {
            return;
        }
        long articleTime = ArticleTime.of(article.publishedAt(), record.timestamp());
        long arrivedAt = arrivedAt(article);
        String timeSource = ArticleTime.parse(article.publishedAt())
                .filter(t -> t.toEpochMilli() == articleTime).isPresent()
                ? ArticleView.FROM_PUBLISHED_AT : ArticleView.FROM_RECORD_TIMESTAMP;

        Long seen = totals.get(Totals.STREAM_TIME);
        long streamTime = seen == null ? articleTime : Math.max(seen, articleTime);
        if (seen == null || seen < streamTime) {
            totals.put(Totals.STREAM_TIME, streamTime);
        }

        ArticleView previous = articles.get(id);
        if (previous != null) {
            retract(id, previous);
            add(Totals.REPLACED, 1);
        }

        long hourlyWindow = count(Window.HOURLY, hourly, article, articleTime, streamTime, previous);
        long dailyWindow = count(Window.DAILY, daily, article, articleTime, streamTime, previous);
        add(Totals.ARTICLES, 1);
        add(Totals.PARAGRAPHS_IN, article.paragraphsIn());
        add(Totals.PARAGRAPHS_KEPT, article.paragraphsKept());
        add(Totals.REMOVED_EXACT, removed(article, true));
        add(Totals.REMOVED_NEAR, removed(article, false));
        add(Totals.LATE_HOURLY, hourlyWindow < 0 ? 1 : 0);
        add(Totals.LATE_DAILY, dailyWindow < 0 ? 1 : 0);
        themes(article).forEach(t -> add(Totals.THEME_PREFIX + t, 1));

        ArticleSummary summary = ArticleSummary.of(article, articleTime, arrivedAt);
        for (String theme : listedUnder(article)) {
            latest.put(LatestKey.of(theme, arrivedAt, id), summary);
            maybeTrim(theme);
        }
        articles.put(id, new ArticleView(articleTime, timeSource, arrivedAt, hourlyWindow, dailyWindow, article));
    }

    /**
     * Counts the article in its window of size {@code w} when that window is still open, or when it is the window
     * the previous version of the same article was counted in (a closed window keeps its articles, only their
     * themes may change). Returns the window's start, or -1 when the article came too late for it.
     */
    private long count(Window w, WindowStore<String, Long> store, EnrichedArticle article, long articleTime,
                       long streamTime, ArticleView previous) {
        long start = w.start(articleTime);
        boolean sameAsBefore = previous != null && previous.window(w) == start;
        if (!w.open(start, streamTime) && !sameAsBefore) {
            return -1;
        }
        for (String theme : themes(article)) {
            change(store, theme, start, 1);
        }
        return start;
    }

    private void retract(String id, ArticleView previous) {
        EnrichedArticle old = previous.article();
        if (previous.hourlyWindow() >= 0) {
            themes(old).forEach(t -> change(hourly, t, previous.hourlyWindow(), -1));
        }
        if (previous.dailyWindow() >= 0) {
            themes(old).forEach(t -> change(daily, t, previous.dailyWindow(), -1));
        }
        add(Totals.ARTICLES, -1);
        add(Totals.PARAGRAPHS_IN, -old.paragraphsIn());
        add(Totals.PARAGRAPHS_KEPT, -old.paragraphsKept());
        add(Totals.REMOVED_EXACT, -removed(old, true));
        add(Totals.REMOVED_NEAR, -removed(old, false));
        add(Totals.LATE_HOURLY, previous.hourlyWindow() < 0 ? -1 : 0);
        add(Totals.LATE_DAILY, previous.dailyWindow() < 0 ? -1 : 0);
        themes(old).forEach(t -> add(Totals.THEME_PREFIX + t, -1));
        for (String theme : listedUnder(old)) {
            latest.delete(LatestKey.of(theme, previous.arrivedAt(), id));
        }
    }

    /**
     * Keeps the newest {@link ViewStores#LATEST_PER_THEME} entries of one theme, and more precisely at most
     * {@link #TRIM_EVERY} more: readers take the first {@code LATEST_PER_THEME}. Reading a range to its end steps
     * over the tombstones of every entry trimmed before (they sort after the live ones, and the iterator reads one
     * past the last live entry), a cost that grows with the articles seen until RocksDB compacts them away, so the
     * trim runs once per {@code TRIM_EVERY} inserts of a theme instead of after each (measured: docs/PERFORMANCE.md).
     */
    private void maybeTrim(String theme) {
        if (insertsSinceTrim.merge(theme, 1, Integer::sum) < TRIM_EVERY) {
            return;
        }
        insertsSinceTrim.put(theme, 0);
        List<String> drop = new ArrayList<>();
        int seen = 0;
        try (KeyValueIterator<String, ArticleSummary> it = latest.range(LatestKey.from(theme), LatestKey.to(theme))) {
            while (it.hasNext()) {
                KeyValue<String, ArticleSummary> kv = it.next();
                if (++seen > ViewStores.LATEST_PER_THEME) {
                    drop.add(kv.key);
                }
            }
        }
        drop.forEach(latest::delete);
    }

    private static void change(WindowStore<String, Long> store, String theme, long start, long delta) {
        Long current = store.fetch(theme, start);
        long next = (current == null ? 0 : current) + delta;
        store.put(theme, next <= 0 ? null : next, start);
    }

    private void add(String key, long delta) {
        if (delta != 0) {
            Long current = totals.get(key);
            totals.put(key, (current == null ? 0 : current) + delta);
        }
    }

    /** The themes an article is counted under: each of its themes, or {@link ViewStores#UNCLASSIFIED}. */
    static Set<String> themes(EnrichedArticle article) {
        Set<String> out = new LinkedHashSet<>();
        if (article.themes() != null) {
            for (ThemeScore t : article.themes()) {
                if (t.theme() != null) {
                    out.add(t.theme());
                }
            }
        }
        if (out.isEmpty()) {
            out.add(ViewStores.UNCLASSIFIED);
        }
        return out;
    }

    private static Set<String> listedUnder(EnrichedArticle article) {
        Set<String> out = new LinkedHashSet<>(themes(article));
        out.add(ViewStores.ALL);
        return out;
    }

    private static long removed(EnrichedArticle article, boolean exact) {
        if (article.removedParagraphs() == null) {
            return 0;
        }
        long n = 0;
        for (RemovedParagraph r : article.removedParagraphs()) {
            if ("EXACT".equals(r.kind()) == exact) {
                n++;
            }
        }
        return n;
    }

    private long arrivedAt(EnrichedArticle article) {
        if (article.processedAt() != null) {
            try {
                return Instant.parse(article.processedAt()).toEpochMilli();
            } catch (DateTimeException ignored) {
                // fall through
            }
        }
        return context.currentSystemTimeMs();
    }
}
