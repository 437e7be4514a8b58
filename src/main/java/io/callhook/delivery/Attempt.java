package io.callhook.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One HTTP try of one event: immutable, what the delivery log and (later) the outbox record.
 *
 * @param number    1-based attempt number for this event
 * @param startedAt when the attempt was handed to the transport
 * @param duration  from hand-over until the answer or the failure
 * @param outcome   what came back
 */
public record Attempt(int number, Instant startedAt, Duration duration, Outcome outcome) {

    public Attempt {
        Objects.requireNonNull(startedAt, "startedAt");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** Either the receiver answered (any status), or there was no answer at all. */
    public sealed interface Outcome permits Answered, Failed {}

    /** The receiver answered; only a 2xx settles the event. */
    public record Answered(HttpResult result) implements Outcome {
        public Answered {
            Objects.requireNonNull(result, "result");
        }
    }

    /** No usable answer: connection refused or reset, TLS failure, timeout, oversized response. */
    public record Failed(String error) implements Outcome {
        public Failed {
            Objects.requireNonNull(error, "error");
        }
    }

    public boolean isSuccess() {
        return outcome instanceof Answered a && a.result().isSuccess();
    }

    /** The receiver's {@code Retry-After}, when it answered with one. */
    public Optional<Duration> retryAfter() {
        return outcome instanceof Answered a ? a.result().retryAfter() : Optional.empty();
    }

    /** The status code as text, or {@code "error"} when there was no answer. */
    public String status() {
        return outcome instanceof Answered a ? Integer.toString(a.result().status()) : "error";
    }
}
