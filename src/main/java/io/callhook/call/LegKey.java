package io.callhook.call;

import java.util.Objects;

/**
 * Identifies one leg: the SIP Call-ID and the Via branch that names the leg at the local user's
 * device (the branch the proxy sent to the device for INCOMING, the device's own for OUTGOING).
 */
public record LegKey(String callId, String branchId) {
    public LegKey {
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(branchId, "branchId");
    }
}
