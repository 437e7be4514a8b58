package io.callhook.call;

import java.time.Instant;
import java.util.Objects;

/**
 * One local user's side of one call attempt, as a value. {@link LegMachine} computes the next one.
 *
 * @param pendingCancel the reason a CANCEL gave before the final response arrived, else null
 * @param dialogTag     the To-tag of the 2xx that confirmed the leg, else null
 * @param confirmedAt   when the leg was confirmed, else null
 */
public record Leg(LegKey key, LegInfo info, LegState state, TerminationReason reason,
                  TerminationReason pendingCancel, String dialogTag, Instant startedAt, Instant confirmedAt) {

    public Leg {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(startedAt, "startedAt");
    }

    public static Leg start(LegKey key, LegInfo info, Instant at) {
        return new Leg(key, info, LegState.TRYING, null, null, null, at, null);
    }

    public boolean isTerminated() {
        return state == LegState.TERMINATED;
    }

    Leg moveTo(LegState next) {
        return new Leg(key, info, next, reason, pendingCancel, dialogTag, startedAt, confirmedAt);
    }

    Leg confirm(String tag, Instant at) {
        return new Leg(key, info, LegState.CONFIRMED, null, null, tag, startedAt, at);
    }

    Leg terminate(TerminationReason why) {
        return new Leg(key, info, LegState.TERMINATED, why, null, dialogTag, startedAt, confirmedAt);
    }

    Leg withPendingCancel(TerminationReason why) {
        return new Leg(key, info, state, reason, why, dialogTag, startedAt, confirmedAt);
    }
}
