package io.callhook.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How instants are written in the store: {@code 2025-01-31T09:15:02.123Z}, UTC, always with
 * milliseconds, so that text order is time order and the sqlite3 shell shows them readably.
 */
public final class Timestamps {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private Timestamps() {}

    /** Null stays null. */
    public static String format(Instant instant) {
        return instant == null ? null : FORMAT.format(instant);
    }

    /** Null stays null. */
    public static Instant parse(String text) {
        return text == null ? null : Instant.parse(text);
    }
}
