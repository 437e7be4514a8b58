package io.callhook.config;

/** One thing wrong with a configuration file, printed as {@code file:line: key: message}. */
public record ConfigProblem(String file, int line, String key, String message) {
    @Override
    public String toString() {
        return file + ":" + line + ": " + key + ": " + message;
    }
}
