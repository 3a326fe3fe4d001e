package io.newsflow.classify;

/**
 * A themes rules file that cannot be used. The message names where the problem is: the line and column
 * for malformed JSON, otherwise the key path (for example {@code themes.CBDC.threshold}) and its line.
 */
public final class ThemeRulesException extends RuntimeException {

    public ThemeRulesException(String message) {
        super(message);
    }

    public ThemeRulesException(String message, Throwable cause) {
        super(message, cause);
    }
}
