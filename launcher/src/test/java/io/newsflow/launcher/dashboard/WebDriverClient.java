package io.newsflow.launcher.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.newsflow.model.JsonSerde;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A minimal W3C WebDriver client for a local chromedriver (no Selenium, nothing downloaded): starts
 * {@code chromedriver} on a free port and one headless Chromium session with a fresh profile.
 */
final class WebDriverClient implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Process driver;
    private final String base;
    private final String session;
    private final Path profile;

    static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    WebDriverClient(int width, int height) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        base = "http://127.0.0.1:" + port;
        profile = Files.createTempDirectory("chromium-profile");
        waitUntilReady();
        ObjectNode caps = JsonSerde.MAPPER.createObjectNode();
        ObjectNode always = caps.putObject("capabilities").putObject("alwaysMatch");
        always.put("browserName", "chrome");
        ObjectNode chrome = always.putObject("goog:chromeOptions");
        chrome.put("binary", CHROMIUM.toString());
        for (String arg : List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--window-size=" + width + "," + height)) {
            chrome.withArray("args").add(arg);
        }
        always.putObject("goog:loggingPrefs").put("browser", "ALL");
        JsonNode created = call("POST", "/session", caps);
        session = created.path("value").path("sessionId").asText();
        if (session.isEmpty()) {
            throw new IllegalStateException("chromedriver did not create a session: " + created);
        }
    }

    private void waitUntilReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (call("GET", "/status", null).path("value").path("ready").asBoolean()) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("chromedriver did not start");
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        b = switch (method) {
            case "POST" -> b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                    body == null ? "{}" : JsonSerde.MAPPER.writeValueAsString(body)));
            case "DELETE" -> b.DELETE();
            default -> b.GET();
        };
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = JsonSerde.MAPPER.readTree(r.body());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("WebDriver " + method + " " + path + " failed: " + r.body());
        }
        return json;
    }

    private String s(String path) {
        return "/session/" + session + path;
    }

    void navigate(String url) throws Exception {
        ObjectNode body = JsonSerde.MAPPER.createObjectNode().put("url", url);
        call("POST", s("/url"), body);
    }

    /** Runs a script in the page ({@code return ...;}) and gives its JSON value. */
    JsonNode script(String script, Object... args) throws Exception {
        ObjectNode body = JsonSerde.MAPPER.createObjectNode().put("script", script);
        var array = body.putArray("args");
        for (Object a : args) {
            array.addPOJO(a);
        }
        return call("POST", s("/execute/sync"), body).path("value");
    }

    /** Polls a script until it returns true. */
    void await(String what, Duration timeout, String script, Object... args) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (script(script, args).asBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what);
    }

    /** A real WebDriver click on the first element matching a CSS selector. */
    void click(String css) throws Exception {
        ObjectNode find = JsonSerde.MAPPER.createObjectNode().put("using", "css selector").put("value", css);
        JsonNode element = call("POST", s("/element"), find).path("value");
        String id = element.fields().next().getValue().asText();
        call("POST", s("/element/" + id + "/click"), null);
    }

    /** Browser console entries at SEVERE level since the last call. */
    List<String> consoleErrors() throws Exception {
        ObjectNode body = JsonSerde.MAPPER.createObjectNode().put("type", "browser");
        List<String> errors = new ArrayList<>();
        for (JsonNode e : call("POST", s("/se/log"), body).path("value")) {
            if (e.path("level").asText().equals("SEVERE")) {
                errors.add(e.path("message").asText());
            }
        }
        return errors;
    }

    void screenshot(Path file) throws Exception {
        String png = call("GET", s("/screenshot"), null).path("value").asText();
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, Base64.getDecoder().decode(png));
    }

    @Override
    public void close() throws IOException {
        try {
            if (session != null) {
                call("DELETE", s(""), null);
            }
        } catch (Exception ignored) {
            // the driver goes anyway
        }
        driver.destroy();
        try {
            if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                driver.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var walk = Files.walk(profile)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
