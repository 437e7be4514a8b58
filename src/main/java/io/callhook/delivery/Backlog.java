package io.callhook.delivery;

/**
 * Reads an organization's pending deliveries back from the outbox when they did not fit in memory.
 * Called on the dispatcher thread; answers later through {@link DeliveryFeed#backlogLoaded}.
 */
@FunctionalInterface
public interface Backlog {
    /** Up to {@code limit} pending deliveries of the organization at {@code fromPosition} or later, in queue order. */
    void load(String organizationId, long fromPosition, int limit);
}
