package io.callhook.event;

import io.callhook.call.Direction;
import io.callhook.call.LegState;
import io.callhook.call.TerminationReason;

import java.time.Instant;
import java.util.Objects;

/**
 * One event as POSTed (SPEC §1), before encoding. Null fields are absent from the JSON.
 * {@code organizationId} says whose webhook it goes to and is not part of the body.
 */
public record CallEvent(String organizationId, long seqNum, String callId, String branchId, Instant timestamp,
                        LegState state, TerminationReason terminationReason, Direction direction,
                        String localEmail, String localUserId, String localNumber, String deviceType,
                        String remoteEmail, String remoteUserId, String remoteNumber) {

    public CallEvent {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(branchId, "branchId");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(direction, "direction");
        if (seqNum < 1) {
            throw new IllegalArgumentException("seq_num starts at 1: " + seqNum);
        }
        if ((state == LegState.TERMINATED) != (terminationReason != null)) {
            throw new IllegalArgumentException("termination-reason goes with TERMINATED only: "
                    + state + "/" + terminationReason);
        }
    }
}
