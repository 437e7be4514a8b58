package io.callhook.directory;

import io.callhook.call.LegState;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * Where and how an organization receives its events.
 *
 * @param secret        {@code whsec_<base64>} for Standard Webhooks signatures, or null
 * @param states        the leg states this organization wants POSTed
 * @param caFile        an extra CA (PEM) to trust for this endpoint, or null
 * @param timeout       per attempt
 * @param maxAge        after this an undelivered event is dead
 * @param retrySchedule delays before attempt 2, 3, …; the last one repeats
 */
public record Webhook(URI url, String secret, Set<LegState> states, Path caFile, boolean allowInsecureHttp,
                      Duration timeout, Duration maxAge, List<Duration> retrySchedule) {

    public static final Set<LegState> DEFAULT_STATES = Set.of(LegState.EARLY, LegState.CONFIRMED, LegState.TERMINATED);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_MAX_AGE = Duration.ofHours(24);
    public static final List<Duration> DEFAULT_RETRY_SCHEDULE = List.of(
            Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
            Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));

    public Webhook {
        states = Set.copyOf(states);
        retrySchedule = List.copyOf(retrySchedule);
    }
}
