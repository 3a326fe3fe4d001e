package io.newsflow.embedded;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

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

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        quietKafkaLogging();

        Path dataDir = Path.of(DEFAULT_DATA_DIR);
        int port = 0;
        try {
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
                        System.out.println("usage: BrokerMain [--data-dir DIR] [--port N]");
                        return;
                    }
                    default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) { // NumberFormatException included
            System.err.println("broker: " + e.getMessage());
            System.err.println("usage: BrokerMain [--data-dir DIR] [--port N]");
            System.exit(2);
            return;
        }

        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(dataDir, Map.of(), port);
        } catch (Exception e) {
            System.err.println("broker: could not start Kafka: " + e.getMessage());
            System.exit(1);
            return;
        }

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.stop();
            stopped.countDown();
        }, "broker-main-shutdown"));

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
