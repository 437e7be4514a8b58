package io.callhook.delivery;

import java.util.Optional;

/**
 * Looks up an organization's current {@link Route}, for events read back from the outbox (after a
 * restart, a replay, or a backlog that did not fit in memory). Must be fast (a cache hit): it runs
 * on the store's writer thread.
 */
@FunctionalInterface
public interface Routes {
    /** Empty when the organization is no longer known: its stored events are then dead. */
    Optional<Route> route(String organizationId);
}
