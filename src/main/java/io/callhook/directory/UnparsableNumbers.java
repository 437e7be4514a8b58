package io.callhook.directory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * "Numbers that cannot be parsed are passed through unchanged and logged once": remembers the last
 * {@value #REMEMBERED} unparsable values it logged, so a caller that keeps sending the same odd
 * number is one log line, not one per call. Only values with a digit in them count as numbers (a
 * SIP user name like {@code alice} is not a number, and is not logged). Thread-safe.
 */
final class UnparsableNumbers {

    static final int REMEMBERED = 10_000;
    /** One per process: "once" means once per process, whichever directory normalized it. */
    static final UnparsableNumbers SHARED = new UnparsableNumbers();

    private static final Logger LOG = LoggerFactory.getLogger(UnparsableNumbers.class);

    private final Cache<String, Boolean> logged = Caffeine.newBuilder().maximumSize(REMEMBERED).build();

    /** Returns {@code raw}, which could not be normalized; logs it the first time. */
    String passedThrough(String raw) {
        if (raw != null && raw.chars().anyMatch(Character::isDigit)
                && logged.asMap().putIfAbsent(raw, Boolean.TRUE) == null) {
            LOG.info("number not parsable as a phone number, passed through unchanged (logged once): number={}",
                    raw.length() > 64 ? raw.substring(0, 64) + "…" : raw);
        }
        return raw;
    }

    boolean wasLogged(String raw) {
        return logged.getIfPresent(raw) != null;
    }
}
