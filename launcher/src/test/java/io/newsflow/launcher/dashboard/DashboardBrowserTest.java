package io.newsflow.launcher.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.newsflow.model.Article;
import io.newsflow.model.JsonSerde;
import io.newsflow.producer.ArticlePublisher;
import io.newsflow.views.ViewStores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The dashboard end to end, as a person would use it: {@code ./newsflow demo --serve} runs in its own JVM on the
 * seeds, headless Chromium (local chromedriver, nothing downloaded) opens the page. Checks: no console errors, theme
 * counts match the published articles, a newly published article appears in the feed without a reload (and is
 * counted), and its detail view shows the paragraph removed as a repeat of a seed. Skipped without Chromium.
 */
class DashboardBrowserTest {
    private static final String SEED_000 = "000_4a9daba0dc685a20";
    /** Paragraph 1 of seed 000, verbatim: the new article repeats it. */
    private static final String REPEATED = "Domestic artificial intelligence (AI) startup SenseTime has partnered with "
            + "the People’s Bank of China’s (PBoC) Digital Currency Research Institute to provide its AI expertise "
            + "amid the reported trials of the central bank’s digital currency (CBDC).";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void dashboardShowsTheDemoAndUpdatesLive() throws Exception {
        assumeTrue(WebDriverClient.available(), "needs /usr/bin/chromium and /usr/bin/chromedriver "
                + "(apt-get install -y chromium chromium-driver)");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path out = dir.resolve("enriched.jsonl");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process demo = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classpath, "io.newsflow.launcher.Newsflow",
                "demo", "--serve", "--port", Integer.toString(port), "--input", Path.of("..", "seeds").toAbsolutePath().toString(),
                "--out", out.toString())
                .directory(dir.toFile()).redirectErrorStream(true).start();
        List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> bootstrap = new CompletableFuture<>();
        CompletableFuture<Void> serving = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    log.add(line);
                    if (line.startsWith("demo: broker at ")) {
                        bootstrap.complete(line.substring("demo: broker at ".length()).split(";")[0]);
                    }
                    if (line.startsWith("demo: serving the dashboard")) {
                        serving.complete(null);
                    }
                }
            } catch (java.io.IOException ignored) {
                // the demo ended
            }
            serving.completeExceptionally(new AssertionError("demo ended before serving:\n" + String.join("\n", log)));
        }, "demo-output");
        reader.setDaemon(true);
        reader.start();
        String page = "http://localhost:" + port + "/";
        try {
            serving.get(120, TimeUnit.SECONDS);
            try (WebDriverClient browser = new WebDriverClient(1366, 1000)) {
                // 1. the page loads, fills the feed from the API and goes live, with no console error
                browser.navigate(page);
                browser.await("5 seed articles in the feed and the live stream connected", Duration.ofSeconds(20),
                        "return document.querySelectorAll('#feed .article').length === 5"
                                + " && document.getElementById('live').dataset.state === 'live';");
                browser.script("window.__sameDocument = 'yes'; return true;");

                // 2. theme counts (daily) match the published articles
                browser.click(".toggle button[data-window='1d']");
                browser.await("the daily chart", Duration.ofSeconds(10),
                        "return document.getElementById('chart').dataset.window === '1d';");
                List<String> seeds = writtenIds(out);
                Map<String, Long> expected = expectedDailyCounts(port, seeds);
                assertEquals(expected, legend(browser), "daily theme counts on the page");
                assertTrue(browser.script("return document.querySelectorAll('#chart rect').length;").asInt() > 0,
                        "the chart has bars");
                assertEquals(List.of(), browser.consoleErrors(), "console errors after load");

                // 3. a new article appears without a reload, and is counted
                String id = "e2e-" + System.currentTimeMillis();
                Article fresh = new Article(id, "E2E: central bank digital currency pilot widens",
                        Instant.now().toString(), null, "browser-test",
                        "The central bank digital currency pilot now covers twelve more cities, with the digital yuan "
                                + "wallet available to every resident of the trial zones this quarter.\n\n"
                                + REPEATED + "\n\n"
                                + "Officials said the e-CNY sandbox would next test offline payments and programmable "
                                + "settlement between commercial banks before a nationwide rollout.");
                try (ArticlePublisher publisher = new ArticlePublisher(bootstrap.get(1, TimeUnit.SECONDS))) {
                    publisher.publish(fresh);
                    publisher.flush();
                }
                browser.await("the new article in the feed", Duration.ofSeconds(30),
                        "return document.querySelector('#feed .article[data-id=\"' + arguments[0] + '\"]') !== null;", id);
                assertEquals("yes", browser.script("return window.__sameDocument;").asText(), "no reload happened");
                assertEquals(id, browser.script("return document.querySelector('#feed .article').dataset.id;").asText(),
                        "the newest article is first");
                JsonNode detail = getJson(port, "/api/articles/" + id + "?wait=5000");
                List<String> withFresh = new ArrayList<>(seeds);
                withFresh.add(id);
                Map<String, Long> after = expectedDailyCounts(port, withFresh);
                assertTrue(detail.path("article").path("themes").toString().contains("CBDC"),
                        "the new article is about CBDC: " + detail);
                long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                while (!after.equals(legend(browser)) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
                assertEquals(after, legend(browser), "the chart counts the new article without a reload");

                // 4. its detail view shows the removed paragraph beside the kept ones
                browser.click("#feed .article[data-id='" + id + "']");
                browser.await("the detail view", Duration.ofSeconds(10),
                        "return document.getElementById('detail').dataset.loaded === 'true'"
                                + " && document.getElementById('detail').dataset.id === arguments[0];", id);
                JsonNode removed = browser.script("return Array.from(document.querySelectorAll('#removed-list li[data-kind]'))"
                        + ".map(li => ({kind: li.dataset.kind, text: li.textContent}));");
                assertEquals(1, removed.size(), "one paragraph removed: " + removed);
                assertEquals("EXACT", removed.get(0).path("kind").asText());
                assertTrue(removed.get(0).path("text").asText().contains(SEED_000 + " #1"), removed.toString());
                assertTrue(removed.get(0).path("text").asText().contains("similarity 1.000"), removed.toString());
                assertEquals(2, browser.script("return document.querySelectorAll('#kept-list li').length;").asInt());
                assertTrue(browser.script("return getComputedStyle(document.querySelector('.columns')).display;")
                        .asText().equals("grid"), "kept and removed side by side");
                assertEquals(List.of(), browser.consoleErrors(), "console errors after the live update");
                browser.screenshot(Path.of("target", "dashboard-e2e.png"));
            }
        } finally {
            // SIGTERM, like Ctrl-C: the demo's shutdown hook closes processor, sink and broker. (Process.destroy
            // would also close our end of its stdout, and its last lines would be lost.)
            demo.toHandle().destroy();
            if (!demo.waitFor(30, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
            }
            reader.join(5_000);
        }
        assertTrue(log.contains("demo: stopping"), "the demo stopped cleanly on SIGTERM:\n" + String.join("\n", log));
    }

    /** Legend totals on the page: theme → count. */
    private static Map<String, Long> legend(WebDriverClient browser) throws Exception {
        Map<String, Long> out = new TreeMap<>();
        JsonNode items = browser.script("return Array.from(document.querySelectorAll('#legend [data-theme-total]'))"
                + ".map(li => [li.dataset.themeTotal, Number(li.dataset.count)]);");
        items.forEach(i -> out.put(i.get(0).asText(), i.get(1).asLong()));
        return out;
    }

    /**
     * What the daily chart must show for the articles the demo wrote: each article's themes (or UNCLASSIFIED), for
     * the articles counted in a daily window (not late) whose window is within the retention of their partition.
     */
    private List<String> writtenIds(Path out) throws Exception {
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(out)) {
            if (!line.isBlank()) {
                ids.add(JsonSerde.MAPPER.readTree(line).path("id").asText());
            }
        }
        assertEquals(5, ids.size(), "the demo wrote every seed");
        return ids;
    }

    /**
     * What the daily chart must show for these articles: those counted in their window whose window is still within
     * the retention of their partition's stream time (a newer article on the same partition can push an old one out).
     */
    private Map<String, Long> expectedDailyCounts(int port, List<String> ids) throws Exception {
        ViewStores.Window daily = ViewStores.Window.DAILY;
        Map<String, JsonNode> details = new HashMap<>();
        Map<Integer, Long> streamTime = new HashMap<>();
        for (String id : ids) {
            JsonNode d = getJson(port, "/api/articles/" + id + "?wait=5000");
            details.put(id, d);
            streamTime.merge(d.path("partition").asInt(), Instant.parse(d.path("articleTime").asText()).toEpochMilli(), Math::max);
        }
        Map<String, Long> expected = new TreeMap<>();
        for (String id : ids) {
            JsonNode d = details.get(id);
            long start = daily.start(Instant.parse(d.path("articleTime").asText()).toEpochMilli());
            if (!d.path("countedInDailyWindow").asBoolean()
                    || start <= streamTime.get(d.path("partition").asInt()) - daily.retention.toMillis()) {
                continue;
            }
            JsonNode themes = d.path("article").path("themes");
            if (themes.isEmpty()) {
                expected.merge(ViewStores.UNCLASSIFIED, 1L, Long::sum);
            }
            themes.forEach(t -> expected.merge(t.path("theme").asText(), 1L, Long::sum));
        }
        return expected;
    }

    private JsonNode getJson(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), path + ": " + r.body());
        return JsonSerde.MAPPER.readTree(r.body());
    }
}
