package io.newsflow.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka 4.x KRaft server (broker and controller in one process role set) running
 * inside the current JVM, for the demo and for integration tests.
 *
 * <p>Both listeners bind to 127.0.0.1 only: {@code PLAINTEXT} for clients and {@code CONTROLLER}
 * for the (static, single-voter) KRaft quorum. Ports are picked free at {@link #start}; {@link #restart()}
 * reuses them so that running clients reconnect to the same {@link #bootstrapServers()}.
 *
 * <p>Kafka's server threads are non-daemon: always {@link #close()} the broker, or the JVM will not exit.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    static final int NODE_ID = 1;
    static final String HOST = "127.0.0.1";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String CLIENT_LISTENER = "PLAINTEXT";
    private static final String META_PROPERTIES = "meta.properties";

    /** How long start() waits for the server to answer an Admin describeCluster. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    /** How long stop() waits for Kafka's own shutdown before giving up on it. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    /** How long createTopics() waits for the topics to exist with a leader on every partition. */
    private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(30);
    private static final int PORT_ATTEMPTS = 3;

    /** Keys the broker sets itself: overriding them would break the single-node layout. */
    private static final Set<String> RESERVED_KEYS = Set.of(
            "process.roles", "node.id", "listeners", "advertised.listeners", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers", "inter.broker.listener.name",
            "listener.security.protocol.map", "log.dirs", "log.dir", "metadata.log.dir");

    private final Path dataDir;
    private final Map<String, String> overrides;
    private final int clientPort;
    private final int controllerPort;
    private KafkaRaftServer server; // guarded by this

    private EmbeddedKafkaBroker(Path dataDir, Map<String, String> overrides, int clientPort, int controllerPort) {
        this.dataDir = dataDir;
        this.overrides = overrides;
        this.clientPort = clientPort;
        this.controllerPort = controllerPort;
    }

    /** Formats dataDir if it holds no formatted log dir yet, picks free loopback ports, starts broker+controller, waits until it serves requests. */
    public static EmbeddedKafkaBroker start(Path dataDir) throws IOException {
        return start(dataDir, Map.of());
    }

    /**
     * As {@link #start(Path)}, with extra server properties (e.g. {@code message.max.bytes}) applied over the
     * defaults. Keys that define the node's identity, listeners or log dirs are rejected.
     */
    public static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> overrides) throws IOException {
        return start(dataDir, overrides, 0);
    }

    /** As {@link #start(Path, Map)}, on a fixed client port ({@code 0} = pick a free one). */
    static EmbeddedKafkaBroker start(Path dataDir, Map<String, String> overrides, int clientPort) throws IOException {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(overrides, "overrides");
        for (String key : overrides.keySet()) {
            if (RESERVED_KEYS.contains(key)) {
                throw new IllegalArgumentException("Server property '" + key + "' is set by EmbeddedKafkaBroker and cannot be overridden");
            }
        }
        Path dir = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Map<String, String> extra = Map.copyOf(overrides);

        IOException last = null;
        // Free ports are probed then released, so another process may grab one in between: retry with new ones.
        int attempts = clientPort == 0 ? PORT_ATTEMPTS : 1;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            int[] ports = freePorts(clientPort);
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir, extra, ports[0], ports[1]);
            try {
                broker.startServer();
                return broker;
            } catch (IOException e) {
                last = e;
                if (!isBindFailure(e)) {
                    throw e;
                }
                LOG.warn("Port clash starting Kafka on {} (attempt {}/{}): {}", broker.bootstrapServers(), attempt, attempts, e.getMessage());
            }
        }
        throw last;
    }

    /** "127.0.0.1:&lt;port&gt;" of the PLAINTEXT listener; stays the same across {@link #restart()}. */
    public String bootstrapServers() {
        return HOST + ":" + clientPort;
    }

    /** The absolute log directory (also the KRaft metadata log directory). */
    public Path dataDir() {
        return dataDir;
    }

    /** Port of the KRaft CONTROLLER listener (only of interest for diagnostics). */
    int controllerPort() {
        return controllerPort;
    }

    /** Clean, bounded shutdown of broker and controller; idempotent. */
    public void stop() {
        KafkaRaftServer running;
        synchronized (this) {
            running = server;
            server = null;
        }
        if (running != null) {
            shutdown(running);
        }
    }

    /** Stops, then starts again on the same log dirs and the same ports, so clients reconnect; data survives. */
    public void restart() throws IOException {
        stop();
        startServer();
    }

    /**
     * Creates the absent topics (replication factor 1) and waits until every partition of each has a leader.
     * Topics that already exist are left alone, whatever their partition count.
     *
     * @throws IllegalStateException if the broker is not running or the topics do not appear in time
     */
    public void createTopics(Map<String, Integer> topicPartitions) {
        Objects.requireNonNull(topicPartitions, "topicPartitions");
        if (topicPartitions.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (server == null) {
                throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " is not running");
            }
        }
        long deadline = System.nanoTime() + TOPICS_TIMEOUT.toNanos();
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
            List<NewTopic> missing = new ArrayList<>();
            topicPartitions.forEach((name, partitions) -> {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, partitions, (short) 1));
                }
            });
            if (!missing.isEmpty()) {
                CreateTopicsResult result = admin.createTopics(missing);
                for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e : result.values().entrySet()) {
                    try {
                        e.getValue().get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                    } catch (ExecutionException ex) {
                        if (!(ex.getCause() instanceof TopicExistsException)) {
                            throw ex; // someone else creating it concurrently is fine; anything else is not
                        }
                    }
                }
            }
            awaitLeaders(admin, topicPartitions.keySet(), deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics " + topicPartitions.keySet(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new IllegalStateException("Could not create topics " + topicPartitions.keySet() + " on "
                    + bootstrapServers() + " within " + TOPICS_TIMEOUT.toSeconds() + "s: " + cause, cause);
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", " + dataDir + "]";
    }

    // ---------------------------------------------------------------------------------------------

    private synchronized void startServer() throws IOException {
        if (server != null) {
            throw new IllegalStateException("Kafka broker at " + bootstrapServers() + " is already running");
        }
        Properties props = serverProperties();
        KafkaConfig config = new KafkaConfig(props, false);
        formatIfNeeded(config);

        long t0 = System.nanoTime();
        KafkaRaftServer raft = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            raft.startup();
            awaitReady(System.nanoTime() + READY_TIMEOUT.toNanos());
        } catch (RuntimeException | IOException e) {
            shutdown(raft);
            if (e instanceof IOException) {
                throw (IOException) e;
            }
            throw new IOException("Kafka broker on " + bootstrapServers() + " (data dir " + dataDir + ") failed to start: " + e, e);
        }
        server = raft;
        LOG.info("Kafka broker started on {} in {} ms (data dir {})", bootstrapServers(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), dataDir);
    }

    Properties serverProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // Static single-voter quorum: the controller endpoint is not written into the log dir, so the
        // directory stays usable if a later run (e.g. BrokerMain without --port) gets other ports.
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", CLIENT_LISTENER + "://" + HOST + ":" + clientPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", CLIENT_LISTENER);
        p.put("listener.security.protocol.map", CLIENT_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("log.dirs", dataDir.toString());

        // A single replica everywhere: internal topics otherwise wait for 3 brokers (initTransactions hangs).
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        // Fewer internal partitions than the default 50: the first group/transaction is ready much sooner.
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.num.partitions", "5");

        // No controlled shutdown: with one node there is no other replica to hand leadership to, so all it does is
        // make every partition leaderless while the coordinators still serve. In that moment Kafka 4.3's transaction
        // coordinator takes a leaderless partition for a deleted one (KRaftMetadataCache.getPartitionLeaderEndpoint
        // returns empty, KAFKA-20734), skips its commit/abort marker and completes the transaction anyway: the
        // partitions keep a hanging transaction that blocks read_committed readers for good. Shutdown stays clean
        // (logs flushed, producer-state snapshots written); only the leader hand-off is skipped.
        p.put("controlled.shutdown.enable", "false");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("num.partitions", "3");
        p.put("auto.create.topics.enable", "false");

        // Sized for a laptop/CI box rather than a production server.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024)); // default 128 MiB of heap

        p.putAll(overrides);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /** What {@code kafka-storage.sh format --ignore-formatted} does, for a static controller quorum. */
    private void formatIfNeeded(KafkaConfig config) throws IOException {
        if (Files.exists(dataDir.resolve(META_PROPERTIES))) {
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                .setNodeId(config.nodeId())
                .setClusterId(Uuid.randomUuid().toString())
                .setUnstableFeatureVersionsEnabled(false)
                .setIgnoreFormatted(true)
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setHasDynamicQuorum(false)
                .addDirectory(dataDir.toString());
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IOException("Could not format Kafka log dir " + dataDir + ": " + e.getMessage(), e);
        }
        LOG.info("Formatted Kafka log dir {} (cluster id {})", dataDir, formatter.clusterId());
    }

    private void awaitReady(long deadline) throws IOException {
        Throwable lastError = null;
        try (Admin admin = admin()) {
            while (System.nanoTime() < deadline) {
                try {
                    Collection<Node> nodes = admin.describeCluster().nodes()
                            .get(Math.min(5_000, remainingMs(deadline)), TimeUnit.MILLISECONDS);
                    if (nodes.stream().anyMatch(n -> n.id() == NODE_ID)) {
                        return;
                    }
                    lastError = null;
                    Thread.sleep(100);
                } catch (ExecutionException e) {
                    lastError = e.getCause();
                    pause();
                } catch (TimeoutException e) {
                    lastError = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("Interrupted while waiting for Kafka on " + bootstrapServers(), e);
                }
            }
        }
        throw new IOException("Kafka broker on " + bootstrapServers() + " (data dir " + dataDir + ") did not answer "
                + "describeCluster within " + READY_TIMEOUT.toSeconds() + "s"
                + (lastError == null ? "" : "; last error: " + lastError), lastError);
    }

    private void awaitLeaders(Admin admin, Collection<String> topics, long deadline)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> pending = new HashSet<>(topics);
        while (true) {
            try {
                Map<String, TopicDescription> descriptions = admin.describeTopics(pending).allTopicNames()
                        .get(remainingMs(deadline), TimeUnit.MILLISECONDS);
                descriptions.forEach((name, d) -> {
                    if (d.partitions().stream().map(TopicPartitionInfo::leader).allMatch(l -> l != null && !l.isEmpty())) {
                        pending.remove(name);
                    }
                });
                if (pending.isEmpty()) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new TimeoutException("topics without a leader yet: " + pending);
            }
            Thread.sleep(50);
        }
    }

    private Admin admin() {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "embedded-kafka-admin");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        props.put(AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, "50");
        return Admin.create(props);
    }

    /** Shuts Kafka down on a helper thread so that a wedged shutdown cannot block the caller for ever. */
    private void shutdown(KafkaRaftServer raft) {
        long t0 = System.nanoTime();
        Thread t = new Thread(() -> {
            try {
                raft.shutdown();
                raft.awaitShutdown();
            } catch (RuntimeException e) {
                LOG.warn("Error shutting down Kafka broker on {}", bootstrapServers(), e);
            }
        }, "embedded-kafka-shutdown-" + clientPort);
        t.start();
        try {
            t.join(STOP_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (t.isAlive()) {
            LOG.warn("Kafka broker on {} did not shut down within {}s; giving up waiting", bootstrapServers(), STOP_TIMEOUT.toSeconds());
        } else {
            LOG.info("Kafka broker on {} stopped in {} ms", bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        }
    }

    /** Free loopback ports for the client (unless fixed) and controller listeners. */
    private static int[] freePorts(int clientPort) throws IOException {
        InetAddress loopback = InetAddress.getByName(HOST);
        try (ServerSocket a = new ServerSocket(); ServerSocket b = new ServerSocket()) {
            a.setReuseAddress(true);
            b.setReuseAddress(true);
            b.bind(new InetSocketAddress(loopback, 0));
            if (clientPort == 0) {
                a.bind(new InetSocketAddress(loopback, 0));
                return new int[] {a.getLocalPort(), b.getLocalPort()};
            }
            return new int[] {clientPort, b.getLocalPort()};
        }
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException
                    || (t.getMessage() != null && t.getMessage().contains("Address already in use"))) {
                return true;
            }
        }
        return false;
    }

    private static long remainingMs(long deadlineNanos) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
