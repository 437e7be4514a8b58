package io.callhook.delivery;

import java.time.Instant;
import java.util.List;

/**
 * Hears what the {@link Dispatcher} does with each event: the seam where the {@link Outbox} marks
 * its rows (attempts recorded, next attempt, delivered, dead), and where metrics and tests look in.
 * Events are named by their {@code webhook-id}, which is unique in the outbox.
 *
 * <p>Threading: every method is called on the dispatcher's single thread, in order per event
 * ({@code attempted} for each try, {@code retrying} after each failed one that will be tried again,
 * then at most one of {@code delivered} / {@code dead}). They must return quickly and must not
 * block (hand slow work, such as disk writes, to another thread); an exception thrown here is
 * logged and does not stall delivery.
 */
public interface DeliveryListener {

    /** Listens to nothing. */
    DeliveryListener NONE = new DeliveryListener() {};

    /** After each attempt, successful or not. */
    default void attempted(PendingEvent event, Attempt attempt) {}

    /** The event failed and will be tried again at {@code at}. */
    default void retrying(PendingEvent event, Instant at) {}

    /** The event is settled by a 2xx answer to {@code attempt}. */
    default void delivered(PendingEvent event, Attempt attempt) {}

    /**
     * The event is settled by giving up: the next attempt would have been past its max age, or its
     * endpoint answered 410 Gone (and is disabled). It stays in the outbox, replayable.
     *
     * @param reason one line for operators, e.g. {@code "max_age 24h reached after 9 attempts, last status 503"}
     */
    default void dead(PendingEvent event, String reason) {}

    /** Tells each listener in turn, in this order. */
    static DeliveryListener all(DeliveryListener... listeners) {
        List<DeliveryListener> list = List.of(listeners);
        return new DeliveryListener() {
            @Override
            public void attempted(PendingEvent event, Attempt attempt) {
                list.forEach(l -> l.attempted(event, attempt));
            }

            @Override
            public void retrying(PendingEvent event, Instant at) {
                list.forEach(l -> l.retrying(event, at));
            }

            @Override
            public void delivered(PendingEvent event, Attempt attempt) {
                list.forEach(l -> l.delivered(event, attempt));
            }

            @Override
            public void dead(PendingEvent event, String reason) {
                list.forEach(l -> l.dead(event, reason));
            }
        };
    }
}
