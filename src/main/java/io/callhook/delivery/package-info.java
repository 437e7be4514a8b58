/**
 * Delivery (SPEC §6): getting each encoded event to its organization's webhook, durably, in order
 * per call, retried until settled.
 *
 * <p>The three nouns (DESIGN rule 10), each a table of the {@link io.callhook.delivery.Outbox}:
 * the event ({@link io.callhook.delivery.PendingEvent}, encoded once, stored as the exact bytes
 * sent), the delivery (event × endpoint: status, queue position, next attempt; in memory a
 * {@code Delivery} inside the {@link io.callhook.delivery.Dispatcher}), the attempt
 * ({@link io.callhook.delivery.Attempt}, one HTTP try, immutable). Retry policy is data
 * ({@link io.callhook.delivery.RetryPolicy}); signatures are {@link io.callhook.delivery.Signer}'s.
 * The wire is behind {@link io.callhook.delivery.Transport}; its Netty implementation lives in
 * {@code io.callhook.delivery.netty}, and no Netty type appears here. SQLite is reached through
 * {@code io.callhook.store} and {@code java.sql} only.
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>SIP threads call {@code Outbox.append}: it queues a write and returns.</li>
 *   <li>The store's writer thread ({@code callhook-store}) commits, then offers committed
 *       deliveries to the dispatcher and answers its backlog reads.</li>
 *   <li>One daemon thread, {@code callhook-delivery}, owns all lane state: it starts attempts,
 *       handles their outcomes, runs retry timers and calls the {@code DeliveryListener} (the
 *       outbox marks rows from there, by queuing writes).</li>
 *   <li>The transport completes its futures on its I/O threads; the dispatcher hops back onto its
 *       own thread before touching anything.</li>
 * </ul>
 */
package io.callhook.delivery;
