package io.callhook.tracker;

import io.callhook.call.Leg;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The live state of one Call-ID: its legs and the seq counters per organization. Guarded by its
 * own monitor: all access happens in {@link CallTracker} under {@code synchronized (record)}.
 */
final class CallRecord {
    final String callId;
    final Map<String, Leg> legsByBranch = new LinkedHashMap<>();
    private final Map<String, Long> seqByOrganization = new HashMap<>();
    /** When the last live leg ended; null while any leg is live. */
    Instant quietSince;
    /** Set once the sweep has dropped the record; a late signal then starts a fresh record. */
    boolean removed;
    /**
     * Epoch millis before which the sweep has nothing to do here (no confirmed leg reaches
     * max_call_duration, the linger has not run out). Written under the monitor, read by the sweep
     * without it, so that one pass over tens of thousands of quiet calls costs a read per call.
     */
    volatile long sweepDueAt = Long.MAX_VALUE;

    CallRecord(String callId) {
        this.callId = callId;
    }

    long nextSeq(String organizationId) {
        return seqByOrganization.merge(organizationId, 1L, Long::sum);
    }

    /** At start, from a {@link TrackerSnapshot}: the next seq for the organization is {@code last + 1}. */
    void restoreSeq(String organizationId, long last) {
        seqByOrganization.merge(organizationId, last, Math::max);
    }

    boolean hasLiveLegs() {
        for (Leg leg : legsByBranch.values()) {
            if (!leg.isTerminated()) {
                return true;
            }
        }
        return false;
    }
}
