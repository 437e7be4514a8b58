package io.callhook.delivery;

import java.time.Instant;

/**
 * One event on its way to its endpoint: the event, when it was accepted (its age is measured from
 * there), and how many attempts were made.
 *
 * <p>Threading: mutable, confined to the dispatcher thread.
 */
final class Delivery {

    final PendingEvent event;
    final Instant acceptedAt;
    private int attempts;

    Delivery(PendingEvent event, Instant acceptedAt) {
        this.event = event;
        this.acceptedAt = acceptedAt;
    }

    /** Counts a new attempt and returns its 1-based number. */
    int nextAttempt() {
        return ++attempts;
    }
}
