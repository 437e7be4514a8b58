package io.callhook.delivery.netty;

import io.netty.handler.codec.DateFormatter;

import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * Reads a {@code Retry-After} header (RFC 9110 §10.2.3): delta-seconds ({@code 120}) or an
 * HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}, also the obsolete RFC 850 and asctime forms).
 * A date in the past means "now" (zero); anything unreadable is ignored (empty) rather than
 * failing the attempt, because the header is only advice. Pure and thread-safe.
 */
final class RetryAfter {

    private RetryAfter() {}

    static Optional<Duration> parse(String value, Instant now) {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        String v = value.trim();
        if (v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v)));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
        }
        Date date = DateFormatter.parseHttpDate(v);
        if (date == null) {
            return Optional.empty();
        }
        Duration until = Duration.between(now, date.toInstant());
        return Optional.of(until.isNegative() ? Duration.ZERO : until);
    }
}
