/**
 * Delivery (SPEC §6): getting each encoded event to its organization's webhook, in order per call,
 * retried until settled.
 *
 * <p>The three nouns (DESIGN rule 10): the event ({@link io.callhook.delivery.PendingEvent}, encoded
 * once), the delivery (event × endpoint, with its attempt count, inside the
 * {@link io.callhook.delivery.Dispatcher}), the attempt ({@link io.callhook.delivery.Attempt}, one HTTP
 * try, immutable). Retry policy is data ({@link io.callhook.delivery.RetryPolicy}). The wire is behind
 * {@link io.callhook.delivery.Transport}; its Netty implementation lives in
 * {@code io.callhook.delivery.netty}, and no Netty type appears here.
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>SIP / tracker threads call {@code Dispatcher.submit}: it never blocks.</li>
 *   <li>One daemon thread, {@code callhook-delivery}, owns all lane state: it starts attempts,
 *       handles their outcomes, runs retry timers and calls the {@code DeliveryListener}.</li>
 *   <li>The transport completes its futures on its I/O threads; the dispatcher hops back onto its
 *       own thread before touching anything.</li>
 * </ul>
 *
 * <h2>Later: the outbox</h2>
 * A durable outbox goes in front of the dispatcher: append, then submit; mark rows delivered or
 * dead from the listener; on start, submit unsettled rows again in seq order.
 */
package io.callhook.delivery;
