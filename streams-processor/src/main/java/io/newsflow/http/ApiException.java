package io.newsflow.http;

/** An HTTP error answer: status and a message for {@code {"error": ...}}. */
final class ApiException extends RuntimeException {
    final int status;

    ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException unavailable(String message) {
        return new ApiException(503, message);
    }
}
