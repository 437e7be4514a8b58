package io.callhook.delivery;

import java.time.Instant;
import java.util.concurrent.ScheduledFuture;

/**
 * One pending delivery in memory (the second of svix's nouns): the stored row it came from, how
 * many attempts were made since it was enqueued, when the next one may start, and its retry timer.
 *
 * <p>Threading: mutable, confined to the dispatcher thread.
 */
final class Delivery {

    final StoredDelivery row;
    private int attempts;
    /** Not before this; null for now. */
    Instant notBefore;
    ScheduledFuture<?> timer;

    Delivery(StoredDelivery row) {
        this.row = row;
        this.attempts = row.attempts();
        this.notBefore = row.nextAttemptAt();
    }

    PendingEvent event() {
        return row.event();
    }

    /** Counts a new attempt and returns its 1-based number. */
    int nextAttempt() {
        return ++attempts;
    }

    int attempts() {
        return attempts;
    }

    void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
