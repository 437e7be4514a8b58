package io.callhook.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * Delivers events in order per call, retrying each until it is settled (SPEC §6).
 *
 * <h2>Ordering</h2>
 * Every (organization, Call-ID) pair has a FIFO lane. Only the head of a lane is in flight: event
 * n+1 is sent only after event n is settled, by a 2xx answer or by being declared dead. Lanes do
 * not wait for each other, so one failing call (or one failing organization) holds up nobody
 * else. A lane exists only while it holds events; it is removed when it empties, so finished calls
 * cost nothing.
 *
 * <h2>Retries</h2>
 * Anything but a 2xx (3xx included: redirects are not followed), a timeout, a connection or TLS
 * error is retried after the event's {@link RetryPolicy} delay; when the next attempt would be
 * past the policy's max age (measured with the injected {@link Clock} from when the event was
 * accepted here) the event is dead: logged at WARN, reported to the {@link DeliveryListener}, and
 * the lane moves on.
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>{@link #submit} is called from SIP / tracker threads and never blocks: it reads the clock
 *       and enqueues a task; no I/O, no waiting.</li>
 *   <li>All lane state is confined to one daemon thread, {@code callhook-delivery}, so it needs no
 *       locks. That thread starts attempts ({@link Transport#post} does not block), handles their
 *       outcomes (the transport's callbacks are hopped back onto it), runs the retry timers and
 *       calls the listener. It does no I/O of its own apart from logging.</li>
 *   <li>{@link #inFlightCalls()} and {@link #pendingEvents()} may be read from any thread.</li>
 * </ul>
 *
 * <h2>Headers</h2>
 * {@code Content-Type: application/json}, {@code User-Agent: callhook/<version>} and
 * {@code webhook-id} (the same on every retry). Signing ({@code webhook-timestamp},
 * {@code webhook-signature}) belongs to a signer that will add its headers per attempt.
 *
 * <h2>Where the outbox goes</h2>
 * This dispatcher keeps events in memory only. A durable outbox sits in front of it: append the
 * event, then {@link #submit} it; mark it delivered or dead from the {@link DeliveryListener};
 * after a restart, submit the unsettled rows again in seq order (same {@code webhook-id}).
 *
 * <p>The dispatcher does not own the transport: whoever built it closes it, after this.
 */
public final class Dispatcher implements AutoCloseable {

    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    private final Transport transport;
    private final Clock clock;
    private final DeliveryListener listener;
    private final DoubleSupplier random;
    private final ScheduledThreadPoolExecutor thread;

    /** Written only on the dispatcher thread; concurrent so that other threads may read its size. */
    private final Map<LaneKey, ArrayDeque<Delivery>> lanes = new ConcurrentHashMap<>();
    /** Events submitted and not yet settled, including those still queued for the thread. */
    private final AtomicInteger pending = new AtomicInteger();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    private volatile boolean closing;

    public Dispatcher(Transport transport, Clock clock, DeliveryListener listener) {
        this(transport, clock, listener, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** @param random uniform in [0, 1), for retry jitter; pinned by tests */
    Dispatcher(Transport transport, Clock clock, DeliveryListener listener, DoubleSupplier random) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.random = Objects.requireNonNull(random, "random");
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "callhook-delivery");
            t.setDaemon(true);
            return t;
        });
        this.thread.setRemoveOnCancelPolicy(true);
    }

    /**
     * Queues an event behind the earlier events of its call. Never blocks. After {@link #close}
     * has begun, the event is refused (logged at WARN) instead.
     */
    public void submit(PendingEvent event) {
        Objects.requireNonNull(event, "event");
        // Count first, then check: close() sets the flag before it looks at the count, so an event
        // is either counted (and waited for) or refused, never silently lost in between.
        pending.incrementAndGet();
        if (closing) {
            refuse(event);
            return;
        }
        Instant acceptedAt = clock.instant();
        try {
            thread.execute(() -> accept(new Delivery(event, acceptedAt)));
        } catch (RejectedExecutionException e) {
            refuse(event);
        }
    }

    /** Calls that have at least one event queued or in flight. */
    public int inFlightCalls() {
        return lanes.size();
    }

    /** Events submitted and not yet settled (delivered or dead). */
    public int pendingEvents() {
        return pending.get();
    }

    /**
     * Stops accepting events, waits up to {@code grace} for every accepted event to be settled,
     * then stops the dispatcher thread; events still unsettled are dropped with a WARN (a durable
     * outbox resends them on the next start). Must not be called from a listener.
     *
     * @return true when everything was settled within the grace period
     */
    public boolean close(Duration grace) {
        closing = true;
        if (pending.get() == 0) {
            drained.complete(null);
        }
        boolean settled = awaitDrained(grace);
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!settled) {
            DeliveryLog.LOG.warn("delivery stopped with {} unsettled events in {} calls", pending.get(), lanes.size());
        }
        return settled;
    }

    /** {@link #close(Duration)} with a 5 s grace. */
    @Override
    public void close() {
        close(DEFAULT_GRACE);
    }

    // ---- everything below runs on the dispatcher thread ----

    private void accept(Delivery delivery) {
        ArrayDeque<Delivery> lane = lanes.computeIfAbsent(LaneKey.of(delivery.event), k -> new ArrayDeque<>());
        lane.addLast(delivery);
        if (lane.size() == 1) {
            attempt(delivery);
        }
    }

    private void attempt(Delivery delivery) {
        int number = delivery.nextAttempt();
        Instant startedAt = clock.instant();
        PendingEvent event = delivery.event;
        CompletableFuture<HttpResult> answer;
        try {
            answer = transport.post(event.endpoint(), headers(event), event.body());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenCompleteAsync((result, error) -> finished(delivery, number, startedAt, result, error), thread);
    }

    private void finished(Delivery delivery, int number, Instant startedAt, HttpResult result, Throwable error) {
        Instant now = clock.instant();
        Attempt.Outcome outcome = error == null
                ? new Attempt.Answered(result)
                : new Attempt.Failed(DeliveryLog.shortMessage(error));
        Attempt attempt = new Attempt(number, startedAt, Duration.between(startedAt, now), outcome);
        PendingEvent event = delivery.event;
        DeliveryLog.attempt(event, attempt);
        tell(() -> listener.attempted(event, attempt));

        if (attempt.isSuccess()) {
            settle(delivery);
            tell(() -> listener.delivered(event, attempt));
            return;
        }
        Duration age = Duration.between(delivery.acceptedAt, now);
        Optional<Duration> delay = event.retry().delayBeforeAttempt(number + 1, age, attempt.retryAfter(), random);
        if (delay.isEmpty()) {
            DeliveryLog.dead(event, attempt, age);
            settle(delivery);
            tell(() -> listener.dead(event, attempt));
            return;
        }
        try {
            thread.schedule(() -> attempt(delivery), delay.get().toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            // shutting down: the event stays unsettled, close() reports it
        }
    }

    /** Takes the settled head off its lane and starts the next event, or drops the empty lane. */
    private void settle(Delivery delivery) {
        LaneKey key = LaneKey.of(delivery.event);
        ArrayDeque<Delivery> lane = lanes.get(key);
        lane.removeFirst();
        if (lane.isEmpty()) {
            lanes.remove(key);
        } else {
            attempt(lane.peekFirst());
        }
        release();
    }

    private static Map<String, String> headers(PendingEvent event) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", UserAgent.VALUE);
        headers.put("webhook-id", event.webhookId());
        return headers;
    }

    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            DeliveryLog.LOG.warn("delivery listener failed: {}", DeliveryLog.shortMessage(e), e);
        }
    }

    // ---- any thread ----

    private void refuse(PendingEvent event) {
        DeliveryLog.refused(event);
        release();
    }

    private void release() {
        if (pending.decrementAndGet() == 0 && closing) {
            drained.complete(null);
        }
    }

    private boolean awaitDrained(Duration grace) {
        try {
            drained.get(Math.max(0, grace.toNanos()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("drain signal never fails", e);
        }
    }
}
