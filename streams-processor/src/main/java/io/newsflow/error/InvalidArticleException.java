package io.newsflow.error;

/**
 * An article event that parsed as JSON but cannot be processed (no id, no body...). Thrown inside the topology so
 * that Kafka Streams' processing exception handler sends the original bytes to the dead-letter topic with this
 * message in its {@code __streams.errors.message} header, and processing continues.
 */
public final class InvalidArticleException extends RuntimeException {
    public InvalidArticleException(String reason) {
        super(reason);
    }
}
