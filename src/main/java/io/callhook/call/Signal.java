package io.callhook.call;

import java.time.Instant;

/**
 * One observed fact about one leg, as the SIP layer saw it. Immutable; carries no SIP stack types.
 *
 * <p>Signals that come from a SIP message carry {@code at}, the instant that message reached the
 * proxy (it becomes the event's {@code timestamp}). Signals the proxy raises itself (a transaction
 * timeout, the call-duration sweep) take the time from {@link LegMachine#step}'s {@code now}.
 */
public sealed interface Signal {

    LegKey key();

    /** The INVITE of this leg was forwarded: to the device (INCOMING) or from it (OUTGOING). */
    record Started(LegKey key, LegInfo info, Instant at) implements Signal {}

    /** A 1xx response on the leg; {@code toTag} is null when the response had none. */
    record Provisional(LegKey key, int status, String toTag, Instant at) implements Signal {}

    /** A 2xx response to the leg's INVITE. */
    record Answered(LegKey key, int status, String toTag, Instant at) implements Signal {}

    /** A final non-2xx response to the leg's INVITE (including 401/407 challenges and 487). */
    record Failed(LegKey key, int status, Instant at) implements Signal {}

    /**
     * A CANCEL was received for, or sent toward, the leg. The leg ends when its INVITE gets its
     * final response (usually 487), with this reason; a 2xx that crosses the CANCEL still confirms it.
     */
    record Cancelling(LegKey key, TerminationReason reason, Instant at) implements Signal {}

    /** A BYE for the leg's confirmed dialog, from either side. */
    record Hangup(LegKey key, Instant at) implements Signal {}

    /** The leg's INVITE transaction timed out without a final response (Timer B/C). */
    record TimedOut(LegKey key) implements Signal {}

    /** The confirmed leg outlived {@code sip.max_call_duration}: its BYE was presumably lost. */
    record Expired(LegKey key) implements Signal {}
}
