package io.newsflow.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.newsflow.model.JsonSerde;
import io.newsflow.model.Topics;
import io.newsflow.views.ArticleSummary;
import io.newsflow.views.ArticleView;
import io.newsflow.views.DlqTotals;
import io.newsflow.views.ViewStores;
import io.newsflow.views.ViewStores.Totals;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;
import java.util.regex.Pattern;

/**
 * The processor's HTTP API and dashboard, on the JDK's {@code com.sun.net.httpserver}.
 *
 * <ul>
 *   <li>{@code GET /api/articles/{id}}: one article, answered by the instance that owns its partition (found with
 *       {@link KafkaStreams#queryMetadataForKey}); another instance forwards the request there.</li>
 *   <li>{@code GET /api/themes}, {@code /api/articles}, {@code /api/stats}: read every partition; each instance
 *       answers for its own through {@code /internal/partials} and the receiving instance merges. An answer that
 *       would miss a partition (rebalancing, restoring, an instance down) is a 503, never a partial result.</li>
 *   <li>{@code GET /api/stream}: server-sent events of enriched articles as they are committed ({@link LiveFeed}).</li>
 *   <li>{@code GET /health}, {@code GET /metrics} (Prometheus text 0.0.4), {@code GET /} (the dashboard).</li>
 * </ul>
 *
 * Lifecycle: {@link #bind} first (so that {@link #advertised()} is known for {@code application.server}), create
 * Kafka Streams with it, then {@link #start}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    static final String FORWARDED = "X-Newsflow-Forwarded-By";
    private static final Pattern ARTICLE_PATH = Pattern.compile("/api/articles/([^/]+)");
    private static final Pattern ASSET = Pattern.compile("/[a-z0-9-]+\\.(html|js|css|svg)");
    private static final Duration REMOTE_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_LIMIT = ViewStores.LATEST_PER_THEME;

    private final HttpServer server;
    private final HostInfo self;
    private final ExecutorService executor;
    private final HttpClient client;
    private volatile KafkaStreams streams;
    private volatile LocalViews local;
    private volatile LiveFeed feed;
    private volatile boolean closing;

    private ApiServer(HttpServer server, HostInfo self, ExecutorService executor) {
        this.server = server;
        this.self = self;
        this.executor = executor;
        this.client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
                .version(HttpClient.Version.HTTP_1_1).build();
    }

    /** Binds the port (0 = any free one); serves nothing until {@link #start}. */
    public static ApiServer bind(HttpSettings settings) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 64);
        AtomicInteger n = new AtomicInteger();
        ExecutorService executor = new ThreadPoolExecutor(2, LiveFeed.MAX_CLIENTS + 50, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "newsflow-http-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        server.setExecutor(executor);
        return new ApiServer(server, new HostInfo(settings.host(), server.getAddress().getPort()), executor);
    }

    /** {@code host:port} for {@code application.server}. */
    public String advertised() {
        return self.host() + ":" + self.port();
    }

    public int port() {
        return self.port();
    }

    public String url() {
        return "http://" + advertised() + "/";
    }

    /** Starts serving queries against {@code streams}; tails {@code articles-enriched} for the live stream. */
    public void start(KafkaStreams streams, String bootstrapServers) {
        this.streams = streams;
        this.local = new LocalViews(streams);
        this.feed = new LiveFeed(bootstrapServers);
        server.createContext("/", this::handle);
        server.start();
        log.info("HTTP API and dashboard at {}", url());
    }

    @Override
    public void close() {
        closing = true;
        server.stop(1);
        if (feed != null) {
            feed.close();
        }
        executor.shutdownNow();
    }

    // ---------------------------------------------------------------- dispatch

    private void handle(HttpExchange ex) {
        try {
            String path = ex.getRequestURI().getPath();
            if (!"GET".equals(ex.getRequestMethod()) && !"HEAD".equals(ex.getRequestMethod())) {
                ex.getResponseHeaders().set("Allow", "GET, HEAD");
                throw new ApiException(405, "only GET is supported");
            }
            Map<String, String> q = query(ex.getRequestURI());
            var article = ARTICLE_PATH.matcher(path);
            switch (path) {
                case "/health" -> health(ex);
                case "/metrics" -> metrics(ex);
                case "/api/themes" -> json(ex, 200, themes(q));
                case "/api/articles" -> json(ex, 200, articles(q));
                case "/api/stats" -> json(ex, 200, stats());
                case "/api/instances" -> json(ex, 200, instances());
                case "/api/stream" -> stream(ex, q);
                case "/internal/partials" -> json(ex, 200, partialsAnswer(q));
                case "/", "/index.html" -> asset(ex, "index.html");
                default -> {
                    if (article.matches()) {
                        articleById(ex, URLDecoder.decode(article.group(1), StandardCharsets.UTF_8), q);
                    } else if (ASSET.matcher(path).matches()) {
                        asset(ex, path.substring(1));
                    } else {
                        throw new ApiException(404, "no such resource: " + path);
                    }
                }
            }
        } catch (ApiException e) {
            error(ex, e.status, e.getMessage());
        } catch (InvalidStateStoreException e) {
            error(ex, 503, "state is not queryable right now (" + e.getMessage() + "); retry");
        } catch (IOException e) {
            log.debug("client went away: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.warn("HTTP {} failed", ex.getRequestURI(), e);
            error(ex, 500, "internal error: " + e);
        } finally {
            ex.close(); // after the catch blocks: an error answer is written to the open exchange
        }
    }

    // ---------------------------------------------------------------- endpoints

    private void health(HttpExchange ex) throws IOException {
        KafkaStreams.State state = streams.state();
        boolean up = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", up ? "UP" : "DOWN");
        body.put("streamsState", state.name());
        body.put("instance", advertised());
        body.put("streamClients", feed.clients());
        json(ex, up ? 200 : 503, body);
    }

    private Map<String, Object> themes(Map<String, String> q) {
        ViewStores.Window window;
        try {
            window = ViewStores.Window.of(q.getOrDefault("window", "1h"));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(e.getMessage());
        }
        long from = time(q, "from", 0L);
        long to = time(q, "to", Long.MAX_VALUE / 2);
        Map<String, String> params = Map.of("window", window.label, "from", Long.toString(from), "to", Long.toString(to));
        Map<Integer, JsonNode> parts = gather("themes", Topics.ENRICHED, feed.enrichedPartitions(), params,
                p -> local.themeCounts(p, window, from, to));
        TreeMap<Long, Map<String, Long>> byStart = new TreeMap<>();
        Map<String, Long> totals = new HashMap<>();
        for (JsonNode buckets : parts.values()) {
            for (JsonNode b : buckets) {
                String theme = b.path("theme").asText();
                long count = b.path("count").asLong();
                byStart.computeIfAbsent(b.path("start").asLong(), s -> new TreeMap<>()).merge(theme, count, Long::sum);
                totals.merge(theme, count, Long::sum);
            }
        }
        List<String> themes = new ArrayList<>(totals.keySet());
        themes.sort(Comparator.comparing((String t) -> -totals.get(t)).thenComparing(t -> t));
        Map<String, Long> orderedTotals = new LinkedHashMap<>();
        themes.forEach(t -> orderedTotals.put(t, totals.get(t)));
        List<Map<String, Object>> buckets = new ArrayList<>();
        byStart.forEach((start, counts) -> {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("start", Instant.ofEpochMilli(start).toString());
            b.put("end", Instant.ofEpochMilli(start + window.size.toMillis()).toString());
            b.put("counts", counts);
            buckets.add(b);
        });
        Map<String, Long> sums = sumTotals();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("window", window.label);
        body.put("windowSeconds", window.size.toSeconds());
        body.put("graceSeconds", window.grace.toSeconds());
        body.put("retentionDays", window.retention.toDays());
        body.put("themes", themes);
        body.put("totals", orderedTotals);
        body.put("late", sums.get(window == ViewStores.Window.HOURLY ? Totals.LATE_HOURLY : Totals.LATE_DAILY));
        // every article per theme, whatever its article time (windows leave out articles too late or too old)
        Map<String, Long> allTime = new TreeMap<>();
        sums.forEach((k, v) -> {
            if (k.startsWith(Totals.THEME_PREFIX) && v > 0) {
                allTime.put(k.substring(Totals.THEME_PREFIX.length()), v);
            }
        });
        body.put("articlesPerTheme", allTime);
        body.put("buckets", buckets);
        return body;
    }

    private Map<String, Object> articles(Map<String, String> q) {
        String theme = q.getOrDefault("theme", "").strip();
        String key = theme.isEmpty() || theme.equalsIgnoreCase("all") ? ViewStores.ALL : theme;
        int limit = integer(q, "limit", 20);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiException.badRequest("limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
        }
        Map<Integer, JsonNode> parts = gather("latest", Topics.ENRICHED, feed.enrichedPartitions(),
                Map.of("theme", key, "limit", Integer.toString(limit)), p -> local.latest(p, key, limit));
        List<ArticleSummary> all = new ArrayList<>();
        for (JsonNode list : parts.values()) {
            for (JsonNode s : list) {
                all.add(JsonSerde.MAPPER.convertValue(s, ArticleSummary.class));
            }
        }
        all.sort(Comparator.comparingLong(ArticleSummary::arrivedAt).reversed().thenComparing(ArticleSummary::id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("theme", key.equals(ViewStores.ALL) ? null : key);
        body.put("limit", limit);
        body.put("articles", all.subList(0, Math.min(limit, all.size())));
        return body;
    }

    private Map<String, Object> stats() {
        Map<String, Long> t = sumTotals();
        Map<Integer, JsonNode> dlqParts = gather("dlq", Topics.DLQ, feed.dlqPartitions(), Map.of(), local::dlq);
        long dlqTotal = 0;
        Map<String, Long> byException = new TreeMap<>();
        List<DlqTotals.Entry> recent = new ArrayList<>();
        for (JsonNode n : dlqParts.values()) {
            DlqTotals d = JsonSerde.MAPPER.convertValue(n, DlqTotals.class);
            dlqTotal += d.total();
            d.byException().forEach((k, v) -> byException.merge(k, v, Long::sum));
            recent.addAll(d.recent());
        }
        recent.sort(Comparator.comparingLong(DlqTotals.Entry::timestamp).reversed());
        Map<String, Object> dlq = new LinkedHashMap<>();
        dlq.put("total", dlqTotal);
        dlq.put("byException", byException);
        dlq.put("recent", recent.subList(0, Math.min(ViewStores.DLQ_RECENT, recent.size())));
        Map<String, Object> body = new LinkedHashMap<>(t);
        long in = t.get(Totals.PARAGRAPHS_IN);
        long removed = t.get(Totals.REMOVED_EXACT) + t.get(Totals.REMOVED_NEAR);
        body.put("paragraphsRemoved", removed);
        body.put("duplicateRatio", in == 0 ? 0.0 : Math.round(1e4 * removed / (double) in) / 1e4);
        body.put("dlq", dlq);
        return body;
    }

    private Map<String, Long> sumTotals() {
        Map<Integer, JsonNode> parts = gather("totals", Topics.ENRICHED, feed.enrichedPartitions(), Map.of(), local::totals);
        Map<String, Long> sum = new LinkedHashMap<>();
        ViewStores.Totals.ALL.forEach(k -> sum.put(k, 0L));
        for (JsonNode n : parts.values()) {
            ViewStores.Totals.ALL.forEach(k -> sum.merge(k, n.path(k).asLong(), Long::sum));
            n.fieldNames().forEachRemaining(k -> {
                if (k.startsWith(Totals.THEME_PREFIX)) {
                    sum.merge(k, n.path(k).asLong(), Long::sum);
                }
            });
        }
        return sum;
    }

    private List<Map<String, Object>> instances() {
        requireQueryable();
        List<Map<String, Object>> out = new ArrayList<>();
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("instance", m.hostInfo().host() + ":" + m.hostInfo().port());
            i.put("self", m.hostInfo().equals(self));
            i.put("enrichedPartitions", m.topicPartitions().stream().filter(tp -> tp.topic().equals(Topics.ENRICHED))
                    .map(tp -> tp.partition()).sorted().toList());
            i.put("standbyPartitions", m.standbyTopicPartitions().stream().filter(tp -> tp.topic().equals(Topics.ENRICHED))
                    .map(tp -> tp.partition()).sorted().toList());
            out.add(i);
        }
        return out;
    }

    /**
     * The latest version of one article, from the instance that owns its partition. {@code wait} (ms, at most 5000)
     * waits that long for an article not stored yet: the views are a commit behind the enriched topic, so a client
     * that just saw an article on {@code /api/stream} asks with a short wait instead of retrying on 404.
     */
    private void articleById(HttpExchange ex, String id, Map<String, String> q) throws IOException {
        int wait = integer(q, "wait", 0);
        if (wait < 0 || wait > 5000) {
            throw ApiException.badRequest("wait must be between 0 and 5000 ms, got " + wait);
        }
        requireQueryable();
        KeyQueryMetadata md = streams.queryMetadataForKey(ViewStores.ARTICLES, id, Serdes.String().serializer());
        if (md == null || KeyQueryMetadata.NOT_AVAILABLE.equals(md)) {
            throw ApiException.unavailable("no instance owns article " + id + " right now (rebalancing); retry");
        }
        if (!md.activeHost().equals(self)) {
            if (ex.getRequestHeaders().getFirst(FORWARDED) != null) {
                throw ApiException.unavailable("ownership of article " + id + " moved while forwarding; retry");
            }
            forward(ex, md.activeHost());
            return;
        }
        ArticleView view = local.article(md.partition(), id);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        while (view == null && System.nanoTime() < deadline && !closing) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            view = local.article(md.partition(), id);
        }
        if (view == null) {
            throw new ApiException(404, "no article with id " + id);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("article", view.article());
        body.put("articleTime", Instant.ofEpochMilli(view.articleTime()).toString());
        body.put("articleTimeSource", view.articleTimeSource());
        body.put("countedInHourlyWindow", view.hourlyWindow() >= 0);
        body.put("countedInDailyWindow", view.dailyWindow() >= 0);
        body.put("partition", md.partition());
        body.put("servedBy", advertised());
        json(ex, 200, body);
    }

    private void stream(HttpExchange ex, Map<String, String> q) throws IOException {
        LiveFeed.Subscriber sub = feed.subscribe("full".equals(q.get("view")));
        if (sub == null) {
            throw ApiException.unavailable("too many live clients (" + LiveFeed.MAX_CLIENTS + ")");
        }
        try {
            Headers h = ex.getResponseHeaders();
            h.set("Content-Type", "text/event-stream; charset=utf-8");
            h.set("Cache-Control", "no-cache");
            h.set("X-Accel-Buffering", "no");
            ex.sendResponseHeaders(200, 0);
            OutputStream out = ex.getResponseBody();
            write(out, "retry: 2000\nevent: hello\ndata: {\"instance\":\"" + advertised() + "\"}\n\n");
            long lastWrite = System.nanoTime();
            while (!closing && !sub.overflowed) {
                String frame = sub.frames.poll(1, TimeUnit.SECONDS);
                if (frame != null) {
                    write(out, frame);
                    lastWrite = System.nanoTime();
                } else if (System.nanoTime() - lastWrite > TimeUnit.SECONDS.toNanos(15)) {
                    write(out, ": keep-alive\n\n");
                    lastWrite = System.nanoTime();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            feed.unsubscribe(sub);
        }
    }

    private static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void metrics(HttpExchange ex) throws IOException {
        PrometheusText p = new PrometheusText();
        KafkaStreams.State state = streams.state();
        for (KafkaStreams.State s : KafkaStreams.State.values()) {
            p.sample("newsflow_streams_state", "gauge", "Kafka Streams state of this instance (1 = current)",
                    s == state ? 1 : 0, "state", s.name());
        }
        Map<MetricName, ? extends Metric> all = streams.metrics();
        Map<String, Double> in = new TreeMap<>();
        Map<String, Double> inTotal = new TreeMap<>();
        Map<String, Double> out = new TreeMap<>();
        Map<String, Double> outTotal = new TreeMap<>();
        Map<String, Double> lag = new TreeMap<>();
        double latencyMax = Double.NaN;
        double latencySum = 0;
        int latencyN = 0;
        for (Metric m : all.values()) {
            MetricName n = m.metricName();
            if (!(m.metricValue() instanceof Number num)) {
                continue;
            }
            double v = num.doubleValue();
            String topic = n.tags().get("topic");
            String clientId = n.tags().getOrDefault("client-id", "");
            if (n.group().equals("consumer-fetch-manager-metrics") && topic != null && !clientId.endsWith("restore-consumer")) {
                switch (n.name()) {
                    case "records-consumed-rate" -> in.merge(topic, v, Double::sum);
                    case "records-consumed-total" -> inTotal.merge(topic, v, Double::sum);
                    case "records-lag" -> {
                        if (!Double.isNaN(v)) {
                            lag.merge(topic + "\u0000" + n.tags().get("partition"), v, Math::max);
                        }
                    }
                    default -> { }
                }
            } else if (n.group().equals("producer-topic-metrics") && topic != null) {
                switch (n.name()) {
                    case "record-send-rate" -> out.merge(topic, v, Double::sum);
                    case "record-send-total" -> outTotal.merge(topic, v, Double::sum);
                    default -> { }
                }
            } else if (n.group().equals("stream-processor-node-metrics")
                    && "write-enriched".equals(n.tags().get("processor-node-id")) && !Double.isNaN(v)) {
                if (n.name().equals("record-e2e-latency-max")) {
                    latencyMax = Double.isNaN(latencyMax) ? v : Math.max(latencyMax, v);
                } else if (n.name().equals("record-e2e-latency-avg")) {
                    latencySum += v;
                    latencyN++;
                }
            }
        }
        in.forEach((t, v) -> p.sample("newsflow_records_in_per_second", "gauge",
                "Records consumed per second by this instance, by source topic", v, "topic", t));
        inTotal.forEach((t, v) -> p.sample("newsflow_records_in_total", "counter",
                "Records consumed by this instance since it started, by source topic", v, "topic", t));
        out.forEach((t, v) -> p.sample("newsflow_records_out_per_second", "gauge",
                "Records produced per second by this instance, by topic", v, "topic", t));
        outTotal.forEach((t, v) -> p.sample("newsflow_records_out_total", "counter",
                "Records produced by this instance since it started, by topic", v, "topic", t));
        lag.forEach((k, v) -> {
            String[] tp = k.split("\u0000", 2);
            p.sample("newsflow_consumer_lag_records", "gauge",
                    "Records between this instance's position and the end of each assigned partition", v,
                    "topic", tp[0], "partition", tp[1]);
        });
        p.sample("newsflow_processing_latency_ms", "gauge",
                "End-to-end latency from an article's input record to its enriched record (Kafka Streams "
                        + "record-e2e-latency at write-enriched), over this instance's tasks", latencyMax, "stat", "max");
        p.sample("newsflow_processing_latency_ms", "gauge", "", latencyN == 0 ? Double.NaN : latencySum / latencyN,
                "stat", "avg");
        localTotals(p);
        p.sample("newsflow_http_stream_clients", "gauge", "Connected /api/stream clients", feed.clients());
        p.kafkaMetrics(all.values(), "stream-");
        byte[] body = p.render().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", PrometheusText.CONTENT_TYPE);
        send(ex, 200, body);
    }

    /** View-derived counters over this instance's own partitions (sum them across instances). */
    private void localTotals(PrometheusText p) {
        Map<String, Long> sum = new HashMap<>();
        ViewStores.Totals.ALL.forEach(k -> sum.put(k, 0L));
        long dlq = 0;
        try {
            for (int partition : local.activePartitions(Topics.ENRICHED)) {
                local.totals(partition).forEach((k, v) -> sum.merge(k, v, Long::sum));
            }
            for (int partition : local.activePartitions(Topics.DLQ)) {
                dlq += local.dlq(partition).total();
            }
        } catch (InvalidStateStoreException e) {
            return; // restoring: leave the view-derived series out of this scrape
        }
        String scope = " (this instance's partitions)";
        p.sample("newsflow_articles_total", "counter", "Enriched articles in the views" + scope, sum.get(Totals.ARTICLES));
        p.sample("newsflow_paragraphs_in_total", "counter", "Paragraphs in enriched articles" + scope,
                sum.get(Totals.PARAGRAPHS_IN));
        p.sample("newsflow_paragraphs_removed_total", "counter", "Paragraphs removed as repeats" + scope,
                sum.get(Totals.REMOVED_EXACT), "kind", "exact");
        p.sample("newsflow_paragraphs_removed_total", "counter", "", sum.get(Totals.REMOVED_NEAR), "kind", "near");
        long inP = sum.get(Totals.PARAGRAPHS_IN);
        p.sample("newsflow_duplicate_ratio", "gauge", "Removed paragraphs / paragraphs in" + scope,
                inP == 0 ? 0 : (sum.get(Totals.REMOVED_EXACT) + sum.get(Totals.REMOVED_NEAR)) / (double) inP);
        p.sample("newsflow_articles_late_total", "counter", "Articles too late for their window" + scope,
                sum.get(Totals.LATE_HOURLY), "window", "1h");
        p.sample("newsflow_articles_late_total", "counter", "", sum.get(Totals.LATE_DAILY), "window", "1d");
        p.sample("newsflow_dlq_records_total", "counter", "Records on articles-dlq" + scope, dlq);
    }

    // ---------------------------------------------------------------- partials: fan-out and merge

    /** This instance's answer for its own partitions; what {@link #gather} asks the other instances for. */
    private Map<String, Object> partialsAnswer(Map<String, String> q) {
        String kind = q.getOrDefault("kind", "");
        IntFunction<Object> read = switch (kind) {
            case "themes" -> {
                ViewStores.Window w = ViewStores.Window.of(q.getOrDefault("window", "1h"));
                long from = time(q, "from", 0L);
                long to = time(q, "to", Long.MAX_VALUE / 2);
                yield p -> local.themeCounts(p, w, from, to);
            }
            case "latest" -> {
                String theme = q.getOrDefault("theme", ViewStores.ALL);
                int limit = integer(q, "limit", 20);
                yield p -> local.latest(p, theme, Math.min(limit, MAX_LIMIT));
            }
            case "totals" -> local::totals;
            case "dlq" -> local::dlq;
            default -> throw ApiException.badRequest("unknown kind '" + kind + "'");
        };
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instance", advertised());
        body.put("partitions", localPartials(kind.equals("dlq") ? Topics.DLQ : Topics.ENRICHED, read));
        return body;
    }

    private Map<Integer, JsonNode> localPartials(String topic, IntFunction<Object> read) {
        Map<Integer, JsonNode> out = new TreeMap<>();
        for (int p : local.activePartitions(topic)) {
            try {
                out.put(p, JsonSerde.MAPPER.valueToTree(read.apply(p)));
            } catch (InvalidStateStoreException e) {
                log.debug("partition {} of {} not queryable: {}", p, topic, e.getMessage());
            }
        }
        return out;
    }

    /**
     * Every partition's answer: this instance's own, plus the other instances' (asked in parallel). Fails with 503
     * unless every partition of {@code topic} is covered.
     */
    private Map<Integer, JsonNode> gather(String kind, String topic, int partitions, Map<String, String> params,
                                          IntFunction<Object> read) {
        requireQueryable();
        Map<String, CompletableFuture<HttpResponse<byte[]>>> remote = new LinkedHashMap<>();
        StringBuilder query = new StringBuilder("kind=").append(kind);
        params.forEach((k, v) -> query.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            HostInfo h = m.hostInfo();
            if (h.equals(self) || remote.containsKey(h.host() + ":" + h.port())) {
                continue;
            }
            URI uri = URI.create("http://" + h.host() + ":" + h.port() + "/internal/partials?" + query);
            remote.put(h.host() + ":" + h.port(), client.sendAsync(request(uri), HttpResponse.BodyHandlers.ofByteArray()));
        }
        Map<Integer, JsonNode> merged = new TreeMap<>(localPartials(topic, read));
        for (Map.Entry<String, CompletableFuture<HttpResponse<byte[]>>> e : remote.entrySet()) {
            HttpResponse<byte[]> r = await(e.getKey(), e.getValue());
            if (r.statusCode() != 200) {
                throw ApiException.unavailable("instance " + e.getKey() + " answered " + r.statusCode()
                        + ": " + new String(r.body(), StandardCharsets.UTF_8));
            }
            try {
                JsonNode body = JsonSerde.MAPPER.readTree(r.body());
                body.path("partitions").fields().forEachRemaining(f -> merged.putIfAbsent(Integer.parseInt(f.getKey()), f.getValue()));
            } catch (IOException ioe) {
                throw ApiException.unavailable("instance " + e.getKey() + " sent unreadable JSON: " + ioe.getMessage());
            }
        }
        Set<Integer> missing = new TreeSet<>();
        for (int p = 0; p < partitions; p++) {
            if (!merged.containsKey(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            throw ApiException.unavailable("partitions " + missing + " of " + topic
                    + " are not queryable right now (rebalancing or restoring); retry");
        }
        return merged;
    }

    private HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(REMOTE_TIMEOUT).header(FORWARDED, advertised()).GET().build();
    }

    private static HttpResponse<byte[]> await(String instance, CompletableFuture<HttpResponse<byte[]>> f) {
        try {
            return f.get(REMOTE_TIMEOUT.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw ApiException.unavailable("instance " + instance + " did not answer: " + cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ApiException.unavailable("interrupted");
        }
    }

    /** Relays the request to the instance that owns the key, and its answer back. */
    private void forward(HttpExchange ex, HostInfo owner) throws IOException {
        String target = owner.host() + ":" + owner.port();
        URI uri = URI.create("http://" + target + ex.getRequestURI().getRawPath()
                + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery()));
        HttpResponse<byte[]> r = await(target, client.sendAsync(request(uri), HttpResponse.BodyHandlers.ofByteArray()));
        ex.getResponseHeaders().set("Content-Type", r.headers().firstValue("Content-Type").orElse("application/json"));
        ex.getResponseHeaders().set("X-Newsflow-Forwarded-To", target);
        send(ex, r.statusCode(), r.body());
    }

    private void requireQueryable() {
        KafkaStreams.State s = streams.state();
        if (s != KafkaStreams.State.RUNNING && s != KafkaStreams.State.REBALANCING) {
            throw ApiException.unavailable("Kafka Streams is " + s);
        }
    }

    // ---------------------------------------------------------------- static assets and plumbing

    private void asset(HttpExchange ex, String name) throws IOException {
        try (InputStream in = ApiServer.class.getResourceAsStream("/dashboard/" + name)) {
            if (in == null) {
                throw new ApiException(404, "no such resource: /" + name);
            }
            byte[] body = in.readAllBytes();
            String type = switch (name.substring(name.lastIndexOf('.') + 1)) {
                case "html" -> "text/html; charset=utf-8";
                case "js" -> "text/javascript; charset=utf-8";
                case "css" -> "text/css; charset=utf-8";
                case "svg" -> "image/svg+xml";
                default -> "application/octet-stream";
            };
            Headers h = ex.getResponseHeaders();
            h.set("Content-Type", type);
            h.set("Cache-Control", "no-cache");
            h.set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; "
                    + "script-src 'self'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'");
            send(ex, 200, body);
        }
    }

    private static void json(HttpExchange ex, int status, Object body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, JsonSerde.MAPPER.writeValueAsBytes(body));
    }

    private static void error(HttpExchange ex, int status, String message) {
        try {
            ObjectNode body = JsonSerde.MAPPER.createObjectNode().put("error", message);
            if (status == 503) {
                ex.getResponseHeaders().set("Retry-After", "1");
            }
            json(ex, status, body);
        } catch (IOException | RuntimeException e) {
            log.debug("could not send error {}: {}", status, e.toString());
        }
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if ("HEAD".equals(ex.getRequestMethod())) {
            ex.sendResponseHeaders(status, -1);
            return;
        }
        ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            ex.getResponseBody().write(body);
        }
    }

    static Map<String, String> query(URI uri) {
        Map<String, String> out = new HashMap<>();
        String raw = uri.getRawQuery();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.put(k, v);
        }
        return out;
    }

    private static int integer(Map<String, String> q, String name, int fallback) {
        String v = q.get(name);
        try {
            return v == null || v.isEmpty() ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name + " must be a whole number, got '" + v + "'");
        }
    }

    /** A time parameter: epoch milliseconds or an ISO-8601 instant. */
    private static long time(Map<String, String> q, String name, long fallback) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(v).toEpochMilli();
            } catch (DateTimeException d) {
                throw ApiException.badRequest(name + " must be epoch milliseconds or an ISO-8601 instant, got '" + v + "'");
            }
        }
    }
}
