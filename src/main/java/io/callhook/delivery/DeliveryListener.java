package io.callhook.delivery;

/**
 * Hears what the {@link Dispatcher} does with each event: the seam where a durable outbox marks
 * its rows delivered or dead, and where metrics and tests look in.
 *
 * <p>Threading: every method is called on the dispatcher's single thread, in order per event
 * ({@code attempted} for each try, then exactly one of {@code delivered} / {@code dead}). They must
 * return quickly and must not block (hand slow work, such as disk writes, to another thread);
 * an exception thrown here is logged and does not stall delivery.
 */
public interface DeliveryListener {

    /** Listens to nothing. */
    DeliveryListener NONE = new DeliveryListener() {};

    /** After each attempt, successful or not. */
    default void attempted(PendingEvent event, Attempt attempt) {}

    /** The event is settled by a 2xx answer to {@code attempt}. */
    default void delivered(PendingEvent event, Attempt attempt) {}

    /** The event is settled by giving up: the next attempt would have been past its max age. */
    default void dead(PendingEvent event, Attempt lastAttempt) {}
}
