package io.newsflow.launcher.chaos;

import io.newsflow.common.TopicAdmin;
import io.newsflow.model.Topics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One pipeline of separate JVMs in its own directory: broker (restartable on the same log dir and port), processor,
 * sink, and one producer JVM per chunk of input.
 */
final class Pipeline implements AutoCloseable {
    static final int PARTITIONS = 3;
    private static final Pattern PUBLISHED = Pattern.compile("producer: published=(\\d+) failed=(\\d+) skipped=(\\d+)");

    private final Path dir;
    private final JvmLauncher jvm;
    private final int port;
    private final ChildJvm broker;
    private final ChildJvm processor;
    private final ChildJvm sink;
    private final Path sinkFile;
    private final List<ChildJvm> producers = new ArrayList<>();

    Pipeline(String label, Path dir, JvmLauncher jvm) throws IOException {
        this.dir = dir.toAbsolutePath();
        this.jvm = jvm;
        this.port = freePort();
        Path logs = this.dir.resolve("logs");
        Files.createDirectories(logs);
        this.sinkFile = this.dir.resolve("enriched-articles.jsonl");
        String bootstrap = bootstrap();
        broker = new ChildJvm("broker-" + label, jvm.command("768m", false, "broker",
                "--data-dir", this.dir.resolve("broker").toString(), "--port", Integer.toString(port)),
                logs.resolve("broker.log"));
        processor = new ChildJvm("processor-" + label, jvm.command("768m", false, "process",
                "--bootstrap-servers", bootstrap, "--state-dir", this.dir.resolve("processor").toString(),
                "--partitions", Integer.toString(PARTITIONS)),
                logs.resolve("processor.log"));
        sink = new ChildJvm("sink-" + label, jvm.command("384m", false, "sink",
                "--bootstrap-servers", bootstrap, "--out", sinkFile.toString(),
                "--partitions", Integer.toString(PARTITIONS)),
                logs.resolve("sink.log"));
    }

    String bootstrap() {
        return "127.0.0.1:" + port;
    }

    Path dir() {
        return dir;
    }

    Path sinkFile() {
        return sinkFile;
    }

    ChildJvm broker() {
        return broker;
    }

    ChildJvm processor() {
        return processor;
    }

    ChildJvm sink() {
        return sink;
    }

    /**
     * Starts the broker JVM and waits for its "serving" line. A port just released may still be held for a moment,
     * so a failed start is retried.
     */
    void startBroker() throws IOException, InterruptedException {
        String last = null;
        for (int attempt = 1; attempt <= 5; attempt++) {
            broker.start();
            String line = broker.awaitLog("broker: bootstrap.servers=", Duration.ofSeconds(120));
            if (line != null) {
                return;
            }
            last = broker.tail(15);
            broker.stop(Duration.ofSeconds(5));
            Thread.sleep(2000L * attempt);
        }
        throw new IOException("broker on port " + port + " did not start; its log ends with:\n" + last);
    }

    /**
     * Creates the pipeline's topics before any service starts and waits until each is visible with its partitions
     * (the services' own TopicAdmin does not wait for that; see TopicAdminRaceTest).
     */
    void createTopics() throws InterruptedException {
        try (TopicAdmin admin = new TopicAdmin(bootstrap())) {
            Map<String, Integer> topics = Map.of(Topics.ARTICLES, PARTITIONS, Topics.ENRICHED, PARTITIONS, Topics.DLQ, PARTITIONS);
            admin.ensureTopics(topics);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (String t : topics.keySet()) {
                while (admin.partitions(t) != PARTITIONS) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("topic " + t + " not visible after 60 s");
                    }
                    Thread.sleep(100);
                }
            }
        }
    }

    /** Starts a producer JVM on one chunk file; it exits when the chunk is published. */
    ChildJvm startProducer(int index, Path chunk) throws IOException {
        ChildJvm p = new ChildJvm("producer-" + index, jvm.command("384m", true, "produce",
                "--bootstrap-servers", bootstrap(), "--input", chunk.toString(),
                "--partitions", Integer.toString(PARTITIONS)),
                dir.resolve("logs").resolve(String.format("producer-%02d.log", index)));
        producers.add(p);
        p.start();
        return p;
    }

    /** Published count the producer reported, or -1 when it did not report success. */
    static long published(ChildJvm producer, int exitCode) throws IOException {
        Matcher m = PUBLISHED.matcher(producer.logSinceStart());
        long published = -1;
        while (m.find()) {
            published = Long.parseLong(m.group(1));
        }
        return exitCode == 0 ? published : -1;
    }

    /** Stops the clients and then the broker (SIGTERM: every service has a shutdown hook), in parallel where safe. */
    @Override
    public void close() throws InterruptedException {
        List<Thread> stoppers = new ArrayList<>();
        for (ChildJvm c : producers) {
            stoppers.add(stopper(c, Duration.ofSeconds(10)));
        }
        stoppers.add(stopper(sink, Duration.ofSeconds(20)));
        stoppers.add(stopper(processor, Duration.ofSeconds(30)));
        for (Thread t : stoppers) {
            t.join();
        }
        broker.stop(Duration.ofSeconds(40));
    }

    private static Thread stopper(ChildJvm c, Duration grace) {
        Thread t = new Thread(() -> {
            try {
                c.stop(grace);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stop-" + c.name());
        t.start();
        return t;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }
}
