package io.newsflow.http;

/**
 * Where the processor's HTTP API listens.
 *
 * @param host the name other instances and browsers use to reach this one; also the address bound
 *             (advertised to Kafka Streams as {@code application.server})
 * @param port the port; 0 picks a free one
 */
public record HttpSettings(String host, int port) {
    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 8080;

    public HttpSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("--http-host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
    }
}
