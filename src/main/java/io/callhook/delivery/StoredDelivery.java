package io.callhook.delivery;

import java.time.Instant;
import java.util.Objects;

/**
 * A pending delivery as the outbox holds it: the event (with the route it is sent by), its row, its
 * place in the queue, and how far its retries got.
 *
 * @param eventId       the {@code event} row
 * @param position      queue order across the whole outbox; a replay moves a delivery to the end
 * @param event         the event and its route
 * @param enqueuedAt    when it was stored (or replayed): {@code max_age} counts from here
 * @param attempts      attempts made since then
 * @param nextAttemptAt not before this, or null for now
 * @param replayedAt    when the CLI last replayed it, or null
 */
public record StoredDelivery(long eventId, long position, PendingEvent event, Instant enqueuedAt, int attempts,
                             Instant nextAttemptAt, Instant replayedAt) {
    public StoredDelivery {
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    }
}
