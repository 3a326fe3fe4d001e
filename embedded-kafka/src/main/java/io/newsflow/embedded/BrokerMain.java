package io.newsflow.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs an {@link EmbeddedKafkaBroker} until Ctrl-C.
 *
 * <pre>
 *   BrokerMain [--data-dir DIR] [--port N]
 * </pre>
 *
 * Prints exactly one line to stdout, {@code broker: bootstrap.servers=127.0.0.1:PORT}, once the broker serves
 * requests. Exit status 2 on bad arguments, 1 if the broker could not start.
 */
public final class BrokerMain {

    static final String DEFAULT_DATA_DIR = "state/broker";
    private static final String USAGE = "usage: BrokerMain [--data-dir DIR] [--port N]";

    /** Parsed command line; {@code port == 0} means "pick a free port". */
    record Options(Path dataDir, int port, boolean help) {
        static Options parse(String[] args) {
            Path dataDir = Path.of(DEFAULT_DATA_DIR);
            int port = 0;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--data-dir" -> dataDir = Path.of(value(args, ++i, "--data-dir"));
                    case "--port" -> {
                        port = Integer.parseInt(value(args, ++i, "--port"));
                        if (port < 1 || port > 65535) {
                            throw new IllegalArgumentException("--port must be between 1 and 65535, got " + port);
                        }
                    }
                    case "-h", "--help" -> {
                        return new Options(dataDir, port, true);
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
            return new Options(dataDir, port, false);
        }
    }

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        quietKafkaLogging();

        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) { // NumberFormatException included
            System.err.println("broker: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(USAGE);
            return;
        }

        // The hook goes in before start(), so a Ctrl-C during startup still leaves the log dir cleanly shut.
        AtomicReference<EmbeddedKafkaBroker> running = new AtomicReference<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            EmbeddedKafkaBroker broker = running.getAndSet(null);
            if (broker != null) {
                broker.stop();
            }
            stopped.countDown();
        }, "broker-main-shutdown"));

        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(options.dataDir(), Map.of(), options.port());
        } catch (Exception e) {
            System.err.println("broker: could not start Kafka: " + e.getMessage());
            System.exit(1);
            return;
        }
        if (!running.compareAndSet(null, broker) || stopped.getCount() == 0) {
            broker.stop(); // shutdown began while we were starting
            return;
        }

        System.out.println("broker: bootstrap.servers=" + broker.bootstrapServers());
        System.out.flush();
        stopped.await();
    }

    /** Kafka logs a great deal at INFO; keep slf4j-simple (if that is the binding) at WARN unless told otherwise. */
    static void quietKafkaLogging() {
        for (String logger : new String[] {"kafka", "org.apache.kafka", "state.change.logger"}) {
            String key = "org.slf4j.simpleLogger.log." + logger;
            if (System.getProperty(key) == null) {
                System.setProperty(key, "warn");
            }
        }
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }
}
