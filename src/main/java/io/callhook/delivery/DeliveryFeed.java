package io.callhook.delivery;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * What the {@link Outbox} hands committed deliveries to (the {@link Dispatcher}). Called on the
 * store's writer thread; implementations only enqueue.
 */
public interface DeliveryFeed {

    /**
     * Deliveries newly committed (or found pending on disk), in queue order; each position is
     * offered once.
     *
     * @return completes when the feed has looked at them (the outbox reads its next page then)
     */
    CompletableFuture<Void> offer(List<StoredDelivery> rows);

    /**
     * The answer to {@link Backlog#load}.
     *
     * @param nextFrom  where the organization's next backlog read starts
     * @param exhausted true when no pending row of the organization lies beyond these
     */
    void backlogLoaded(String organizationId, List<StoredDelivery> rows, long nextFrom, boolean exhausted);
}
