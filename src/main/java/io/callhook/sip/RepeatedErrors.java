package io.callhook.sip;

import org.slf4j.Logger;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs a kind of error once, not once per packet: the first occurrence of each kind (e.g. the
 * exception class and the method being handled) goes out at the given level with its stack trace;
 * later ones go out at DEBUG, and every 1000th adds one line with the running count, so a flood of
 * bad packets costs a map lookup each instead of a stack trace each.
 */
final class RepeatedErrors {

    /** Kinds remembered; past this, new kinds share one bucket (a flood must not grow the map). */
    private static final int MAX_KINDS = 256;

    private final Logger log;
    private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();

    RepeatedErrors(Logger log) {
        this.log = log;
    }

    void error(String kind, String message, Object... args) {
        report(kind, true, message, args);
    }

    void info(String kind, String message, Object... args) {
        report(kind, false, message, args);
    }

    private void report(String kind, boolean error, String message, Object... args) {
        String key = seen.size() < MAX_KINDS || seen.containsKey(kind) ? kind : "(other)";
        long n = seen.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        if (n == 1) {
            if (error) {
                log.error(message, args);
            } else {
                log.info(message, args);
            }
        } else if (n % 1000 == 0) {
            log.warn("{} occurrences of: {} (logged once; the rest at DEBUG)", n, kind);
        } else if (log.isDebugEnabled()) {
            log.debug(message, args);
        }
    }
}
