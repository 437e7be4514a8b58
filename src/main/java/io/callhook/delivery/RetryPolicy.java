package io.callhook.delivery;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.DoubleSupplier;

/**
 * When to try again: retry policy as data (SPEC §6, DESIGN rule 10), not as code paths.
 *
 * <p>Attempt 1 is sent at once. The delay before attempt {@code k ≥ 2} is {@code schedule[k-2]};
 * once the schedule runs out its last entry repeats. Every delay is spread by ± {@code jitter}
 * (0.2 means anywhere in 80 %–120 % of the nominal delay) so that receivers coming back after an
 * outage are not hit by every queued event in the same instant. A {@code Retry-After} longer than
 * the jittered delay wins: the receiver knows better than our schedule when it is ready again.
 * When the next attempt would start after {@code maxAge} (measured from when the event was
 * accepted), there is no next attempt and the event is dead.
 *
 * <p>Immutable and thread-safe; the randomness is passed in so tests can pin it.
 *
 * @param schedule delays before attempt 2, 3, …; not empty, none negative; the last one repeats
 * @param maxAge   after this age an undelivered event is dead; positive
 * @param jitter   relative spread of every delay, {@code 0 ≤ jitter < 1}
 */
public record RetryPolicy(List<Duration> schedule, Duration maxAge, double jitter) {

    public RetryPolicy {
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(maxAge, "maxAge");
        schedule = List.copyOf(schedule);
        if (schedule.isEmpty()) {
            throw new IllegalArgumentException("retry schedule must have at least one delay: []");
        }
        for (Duration d : schedule) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("retry delays must not be negative: " + d);
            }
        }
        if (maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("max age must be positive: " + maxAge);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("jitter must be in [0, 1): " + jitter);
        }
    }

    /**
     * The wait before attempt {@code attemptNumber}, or empty when that attempt would be too late.
     *
     * @param attemptNumber the attempt about to be scheduled, 1-based; attempt 1 is always immediate
     * @param age           how long ago the event was accepted
     * @param retryAfter    what the receiver asked for in its last answer, if anything
     * @param random        uniform source in [0, 1), e.g. {@code () -> ThreadLocalRandom.current().nextDouble()}
     */
    public Optional<Duration> delayBeforeAttempt(int attemptNumber, Duration age, Optional<Duration> retryAfter,
                                                 DoubleSupplier random) {
        if (attemptNumber < 1) {
            throw new IllegalArgumentException("attempt numbers start at 1: " + attemptNumber);
        }
        if (attemptNumber == 1) {
            return Optional.of(Duration.ZERO);
        }
        Duration nominal = schedule.get(Math.min(attemptNumber - 2, schedule.size() - 1));
        double factor = 1 + jitter * (2 * random.getAsDouble() - 1);
        Duration delay = Duration.ofNanos(Math.round(nominal.toNanos() * factor));
        if (retryAfter.isPresent() && retryAfter.get().compareTo(delay) > 0) {
            delay = retryAfter.get();
        }
        if (age.plus(delay).compareTo(maxAge) > 0) {
            return Optional.empty();
        }
        return Optional.of(delay);
    }
}
