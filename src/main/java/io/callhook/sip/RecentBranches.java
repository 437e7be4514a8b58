package io.callhook.sip;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * INVITE branches seen in the last ~40 s. After a 2xx the RI forgets the INVITE server transaction,
 * so a retransmitted INVITE would look new and be forked again; this absorbs it.
 */
final class RecentBranches {

    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration memory;

    RecentBranches(Clock clock, Duration memory) {
        this.clock = clock;
        this.memory = memory;
    }

    /** True the first time this (Call-ID, branch) is offered within the memory window. */
    boolean firstSighting(String callId, String branch) {
        return seen.putIfAbsent(callId + '|' + branch, clock.instant()) == null;
    }

    /** Forgets sightings older than the window; called periodically. */
    void sweep() {
        Instant cutoff = clock.instant().minus(memory);
        for (Iterator<Instant> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next().isBefore(cutoff)) {
                it.remove();
            }
        }
    }

    int size() {
        return seen.size();
    }
}
