package io.callhook.sip.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replay protection: the highest nonce count accepted per nonce. A request whose credentials repeat
 * a (nonce, nc) already used — a replayed INVITE — is refused; a client counting up ({@code nc=1, 2,
 * 3 …} on the same nonce) is fine. A nonce used without {@code qop} (count 0) is good for one request.
 * Only verified credentials are recorded, so the table holds at most one entry per nonce a real
 * device used within the nonce lifetime; {@link #sweep()} forgets older ones. Thread-safe.
 */
public final class NonceCounts {

    private record Seen(long highest, Instant firstUse) {}

    private final Map<String, Seen> seen = new ConcurrentHashMap<>();
    private final Clock clock;
    private final Duration memory;

    /** @param memory at least the nonce lifetime: older nonces are stale anyway */
    public NonceCounts(Clock clock, Duration memory) {
        this.clock = clock;
        this.memory = memory;
    }

    /** Records {@code count} for {@code nonce}; false when it is not higher than one already used. */
    public boolean accept(String nonce, long count) {
        boolean[] fresh = {false};
        seen.compute(nonce, (k, before) -> {
            if (before == null) {
                fresh[0] = true;
                return new Seen(count, clock.instant());
            }
            if (count > before.highest()) {
                fresh[0] = true;
                return new Seen(count, before.firstUse());
            }
            return before;
        });
        return fresh[0];
    }

    /** Forgets nonces first used longer ago than the memory; called periodically. */
    public void sweep() {
        Instant cutoff = clock.instant().minus(memory);
        for (Iterator<Seen> it = seen.values().iterator(); it.hasNext(); ) {
            if (it.next().firstUse().isBefore(cutoff)) {
                it.remove();
            }
        }
    }

    public int size() {
        return seen.size();
    }
}
