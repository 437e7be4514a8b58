package io.callhook.tracker;

import io.callhook.call.Leg;

/**
 * Hears every change of the tracker's state that must survive a restart: a leg started or moved
 * (terminated legs included: a store forgets them), a call's seq counter advanced, a call
 * forgotten. With {@link CallTracker#restore} it lets a restarted callhook carry on with the calls
 * that were live, so a BYE after the restart still yields TERMINATED with the right seq_num.
 *
 * <p>Threading: called on SIP and housekeeping threads while the call's lane is held, in the order
 * the changes happen (for one call, a leg change comes before the seq advance of the event it
 * publishes, which comes before that event reaches the sink). Implementations must not block: queue
 * the write and return.
 */
public interface LegStore {

    /** Remembers nothing. */
    LegStore NONE = new LegStore() {
        @Override
        public void legChanged(Leg leg) {}

        @Override
        public void seqAdvanced(String callId, String organizationId, long seq) {}

        @Override
        public void callForgotten(String callId) {}
    };

    /** The leg as it is now; a TERMINATED leg is no longer live. */
    void legChanged(Leg leg);

    /** The last seq_num given to {@code organizationId}'s events of this call is now {@code seq}. */
    void seqAdvanced(String callId, String organizationId, long seq);

    /** The call is no longer tracked (its last leg ended a while ago). */
    void callForgotten(String callId);
}
