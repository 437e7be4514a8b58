package io.callhook.delivery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
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
 * Delivers the outbox's pending deliveries in order per call, retrying each until it is settled
 * (SPEC §6).
 *
 * <h2>Ordering</h2>
 * Every (organization, Call-ID) pair has a FIFO lane, filled in outbox queue order. Only the head of
 * a lane is in flight: event n+1 is sent only after event n is settled, by a 2xx answer or by being
 * declared dead. Lanes do not wait for each other, so one failing call (or one failing
 * organization) holds up nobody else. A lane exists only while it holds events.
 *
 * <h2>Memory</h2>
 * At most {@code perOrganization} deliveries of one organization are in memory. Past that, its
 * deliveries stay on disk and are read back through the {@link Backlog}, in queue order, when half
 * of that room is free again; until then its newly committed deliveries stay on disk too, so none
 * overtakes an older one of the same call. A receiver that is down therefore costs a bounded amount
 * of heap however long it stays down, and takes no room from other organizations.
 *
 * <h2>Retries</h2>
 * Anything but a 2xx (3xx included: redirects are not followed), a timeout, a connection or TLS
 * error is retried after the event's {@link RetryPolicy} delay (a longer {@code Retry-After} wins);
 * when the next attempt would be past the policy's max age, measured with the injected
 * {@link Clock} from when the delivery was stored (or replayed), the event is dead: logged at WARN,
 * reported to the {@link DeliveryListener}, and the lane moves on. A 410 Gone disables the endpoint:
 * logged at ERROR, that event and every later one for the same URL are dead without an attempt,
 * until the URL changes, an event is replayed, or callhook restarts.
 *
 * <h2>Headers</h2>
 * {@code Content-Type: application/json}, {@code User-Agent: callhook/<version>}, {@code webhook-id}
 * (the same on every retry and after restarts), {@code webhook-timestamp} (seconds, per attempt) and,
 * when the endpoint has a secret, {@code webhook-signature} ({@link Signer}).
 *
 * <h2>Threading</h2>
 * <ul>
 *   <li>{@link #offer} and {@link #backlogLoaded} are called on the store's writer thread and only
 *       enqueue a task.</li>
 *   <li>All lane state is confined to one daemon thread, {@code callhook-delivery}: it starts
 *       attempts ({@link Transport#post} does not block), handles their outcomes (hopped back onto
 *       it), runs the retry timers and calls the listener. It does no I/O of its own apart from
 *       logging.</li>
 *   <li>{@link #inFlightCalls()} and {@link #pendingEvents()} may be read from any thread.</li>
 * </ul>
 *
 * <p>The dispatcher does not own the transport or the outbox: whoever built them closes them, after this.
 */
public final class Dispatcher implements DeliveryFeed, AutoCloseable {

    /** Deliveries of one organization held in memory at most; the rest wait on disk. */
    public static final int DEFAULT_PER_ORGANIZATION = 5_000;
    private static final Duration DEFAULT_GRACE = Duration.ofSeconds(5);

    private final Transport transport;
    private final Clock clock;
    private final Backlog backlog;
    private final DeliveryListener listener;
    private final int perOrganization;
    private final DoubleSupplier random;
    private final ScheduledThreadPoolExecutor thread;

    /** Written only on the dispatcher thread; concurrent so that other threads may read its size. */
    private final Map<LaneKey, ArrayDeque<Delivery>> lanes = new ConcurrentHashMap<>();
    private final Map<String, OrgQueue> organizations = new HashMap<>();
    private final Map<String, DisabledEndpoint> disabled = new HashMap<>();
    private final AtomicInteger inMemory = new AtomicInteger();
    private int inFlight;
    /** Per endpoint URL: attempts in flight and lane heads waiting for a slot (dispatcher thread only). */
    private final Map<java.net.URI, EndpointGate> gates = new HashMap<>();
    private final CompletableFuture<Void> drained = new CompletableFuture<>();
    /** Set on the dispatcher thread by {@link #close}: tasks queued before it still run normally. */
    private boolean closing;

    public Dispatcher(Transport transport, Clock clock, Backlog backlog, DeliveryListener listener) {
        this(transport, clock, backlog, listener, DEFAULT_PER_ORGANIZATION,
                () -> ThreadLocalRandom.current().nextDouble());
    }

    /**
     * @param perOrganization deliveries of one organization held in memory at most
     * @param random          uniform in [0, 1), for retry jitter; pinned by tests
     */
    public Dispatcher(Transport transport, Clock clock, Backlog backlog, DeliveryListener listener,
                      int perOrganization, DoubleSupplier random) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.backlog = Objects.requireNonNull(backlog, "backlog");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.random = Objects.requireNonNull(random, "random");
        if (perOrganization < 2) {
            throw new IllegalArgumentException("deliveries in memory per organization must be at least 2: "
                    + perOrganization);
        }
        this.perOrganization = perOrganization;
        this.thread = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "callhook-delivery");
            t.setDaemon(true);
            return t;
        });
        this.thread.setRemoveOnCancelPolicy(true);
    }

    @Override
    public CompletableFuture<Void> offer(List<StoredDelivery> rows) {
        CompletableFuture<Void> looked = new CompletableFuture<>();
        run(() -> {
            try {
                rows.forEach(this::offerOne);
            } finally {
                looked.complete(null);
            }
        });
        if (thread.isShutdown()) {
            looked.complete(null);
        }
        return looked;
    }

    @Override
    public void backlogLoaded(String organizationId, List<StoredDelivery> rows, long nextFrom, boolean exhausted) {
        run(() -> loaded(organizationId, rows, nextFrom, exhausted));
    }

    /** Calls that have at least one event in memory, queued or in flight. */
    public int inFlightCalls() {
        return lanes.size();
    }

    /** Deliveries held in memory (queued, waiting for a retry, or in flight); the outbox may hold more. */
    public int pendingEvents() {
        return inMemory.get();
    }

    /**
     * Stops taking deliveries and retry timers, waits up to {@code grace} for the attempts in flight
     * (and for deliveries queued behind them in their lanes, which start at once), then stops the
     * dispatcher thread. Whatever is unsettled stays pending in the outbox and is sent again at the
     * next start. Must not be called from a listener.
     *
     * @return true when nothing was in flight any more within the grace period
     */
    public boolean close(Duration grace) {
        run(() -> {
            closing = true;
            lanes.values().forEach(lane -> lane.forEach(Delivery::cancelTimer));
            checkDrained();
        });
        boolean settled = awaitDrained(grace);
        thread.shutdownNow();
        try {
            thread.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!settled && inMemory.get() > 0) {
            DeliveryLog.LOG.warn("delivery stopped with attempts in flight; {} deliveries in {} calls stay pending "
                    + "in the outbox and are sent again at the next start", inMemory.get(), lanes.size());
        }
        return settled;
    }

    /** {@link #close(Duration)} with a 5 s grace. */
    @Override
    public void close() {
        close(DEFAULT_GRACE);
    }

    // ---- everything below runs on the dispatcher thread ----

    private void offerOne(StoredDelivery row) {
        if (closing) {
            return; // stays pending on disk
        }
        OrgQueue queue = organization(row.event().organizationId());
        if (queue.backlog || row.position() < queue.resumeFrom) {
            return; // read back in order by the organization's backlog (or already read by it)
        }
        if (queue.inMemory >= perOrganization) {
            queue.backlog = true;
            queue.resumeFrom = row.position();
            DeliveryLog.LOG.info("delivery backlog org={} in_memory={}: further deliveries wait on disk",
                    queue.organizationId, queue.inMemory);
            return;
        }
        enqueue(queue, row);
    }

    private void loaded(String organizationId, List<StoredDelivery> rows, long nextFrom, boolean exhausted) {
        OrgQueue queue = organization(organizationId);
        queue.loading = false;
        if (closing) {
            return;
        }
        for (StoredDelivery row : rows) {
            if (row.position() >= queue.resumeFrom) {
                enqueue(queue, row);
            }
        }
        queue.resumeFrom = Math.max(queue.resumeFrom, nextFrom);
        if (exhausted) {
            queue.backlog = false;
            DeliveryLog.LOG.info("delivery backlog org={} read back: in_memory={}", organizationId, queue.inMemory);
        } else {
            maybeLoad(queue);
        }
    }

    private OrgQueue organization(String organizationId) {
        return organizations.computeIfAbsent(organizationId, OrgQueue::new);
    }

    private void enqueue(OrgQueue queue, StoredDelivery row) {
        queue.inMemory++;
        inMemory.incrementAndGet();
        Delivery delivery = new Delivery(row);
        ArrayDeque<Delivery> lane = lanes.computeIfAbsent(LaneKey.of(row.event()), k -> new ArrayDeque<>());
        lane.addLast(delivery);
        if (lane.size() == 1) {
            startHead(delivery);
        }
    }

    /** The head of a lane: attempt it now, or when its retry is due. */
    private void startHead(Delivery delivery) {
        Instant now = clock.instant();
        if (delivery.notBefore == null || !delivery.notBefore.isAfter(now)) {
            attempt(delivery);
        } else if (!closing) {
            long delay = Duration.between(now, delivery.notBefore).toNanos();
            delivery.timer = thread.schedule(() -> {
                delivery.timer = null;
                if (!closing) {
                    attempt(delivery);
                }
            }, delay, TimeUnit.NANOSECONDS);
        }
    }

    private void attempt(Delivery delivery) {
        PendingEvent event = delivery.event();
        Optional<String> refused = refusedByDisabledEndpoint(delivery);
        if (refused.isPresent()) {
            die(delivery, refused.get(), "410");
            return;
        }
        EndpointGate gate = gates.computeIfAbsent(event.endpoint().url(),
                url -> new EndpointGate(transport.maxConcurrentPerEndpoint()));
        if (!gate.tryEnter()) {
            gate.waiting.add(delivery); // started when an attempt to this endpoint finishes
            return;
        }
        int number = delivery.nextAttempt();
        Instant startedAt = clock.instant();
        inFlight++;
        CompletableFuture<HttpResult> answer;
        try {
            answer = transport.post(event.endpoint(), headers(event, startedAt), event.body());
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenCompleteAsync((result, error) -> finished(delivery, number, startedAt, result, error), thread);
    }

    private void finished(Delivery delivery, int number, Instant startedAt, HttpResult result, Throwable error) {
        inFlight--;
        try {
            handle(delivery, number, startedAt, result, error);
        } finally {
            admitNext(delivery.event().endpoint().url());
            checkDrained();
        }
    }

    /** Frees the finished attempt's slot at its endpoint and starts the next lane head waiting for one. */
    private void admitNext(java.net.URI url) {
        EndpointGate gate = gates.get(url);
        if (gate == null) {
            return;
        }
        gate.leave();
        Delivery next = closing ? null : gate.waiting.poll();
        if (next != null) {
            attempt(next);
        } else if (gate.idle()) {
            gates.remove(url);
        }
    }

    /**
     * Caps the attempts in flight to one endpoint at what the transport carries at once (its
     * connections per endpoint), so that an attempt's timeout measures the receiver rather than a
     * wait for a pooled connection: without it a burst of calls times out in that queue, is retried,
     * and may reach the receiver twice.
     */
    private static final class EndpointGate {
        private final int capacity;
        private int inFlight;
        final ArrayDeque<Delivery> waiting = new ArrayDeque<>();

        EndpointGate(int capacity) {
            this.capacity = capacity;
        }

        boolean tryEnter() {
            if (inFlight >= capacity) {
                return false;
            }
            inFlight++;
            return true;
        }

        void leave() {
            inFlight--;
        }

        boolean idle() {
            return inFlight == 0 && waiting.isEmpty();
        }
    }

    private void handle(Delivery delivery, int number, Instant startedAt, HttpResult result, Throwable error) {
        Instant now = clock.instant();
        Attempt.Outcome outcome = error == null
                ? new Attempt.Answered(result)
                : new Attempt.Failed(DeliveryLog.shortMessage(error));
        Attempt attempt = new Attempt(number, startedAt, Duration.between(startedAt, now), outcome);
        PendingEvent event = delivery.event();
        DeliveryLog.attempt(event, attempt);
        tell(() -> listener.attempted(event, attempt));

        if (attempt.isSuccess()) {
            settle(delivery);
            tell(() -> listener.delivered(event, attempt));
            return;
        }
        if (result != null && result.status() == 410) {
            disabled.put(event.organizationId(), new DisabledEndpoint(event.endpoint().url(), now));
            DeliveryLog.disabled(event.organizationId(), event.endpoint().url());
            die(delivery, "410 Gone: the endpoint is disabled", attempt.status());
            return;
        }
        Duration age = Duration.between(delivery.row.enqueuedAt(), now);
        Optional<Duration> delay = event.retry().delayBeforeAttempt(number + 1, age, attempt.retryAfter(), random);
        if (delay.isEmpty()) {
            die(delivery, "max_age " + event.retry().maxAge() + " reached after " + number + " attempts, last status "
                    + attempt.status(), attempt.status());
            return;
        }
        Instant next = now.plus(delay.get());
        delivery.notBefore = next;
        tell(() -> listener.retrying(event, next));
        startHead(delivery);
    }

    private Optional<String> refusedByDisabledEndpoint(Delivery delivery) {
        PendingEvent event = delivery.event();
        DisabledEndpoint off = disabled.get(event.organizationId());
        if (off == null) {
            return Optional.empty();
        }
        if (!off.url().equals(event.endpoint().url())) {
            disabled.remove(event.organizationId());
            DeliveryLog.LOG.warn("delivery endpoint enabled again org={} url={}: the webhook url changed",
                    event.organizationId(), event.endpoint().url());
            return Optional.empty();
        }
        Instant replayed = delivery.row.replayedAt();
        if (replayed != null && replayed.isAfter(off.since())) {
            disabled.remove(event.organizationId());
            DeliveryLog.LOG.warn("delivery endpoint enabled again org={} url={}: events were replayed",
                    event.organizationId(), event.endpoint().url());
            return Optional.empty();
        }
        return Optional.of("endpoint disabled since " + off.since() + " (410 Gone)");
    }

    private void die(Delivery delivery, String reason, String lastStatus) {
        PendingEvent event = delivery.event();
        DeliveryLog.dead(event, delivery.attempts(), Duration.between(delivery.row.enqueuedAt(), clock.instant()),
                lastStatus, reason);
        settle(delivery);
        tell(() -> listener.dead(event, reason));
    }

    /** Takes the settled head off its lane and starts the next one, or drops the empty lane. */
    private void settle(Delivery delivery) {
        LaneKey key = LaneKey.of(delivery.event());
        ArrayDeque<Delivery> lane = lanes.get(key);
        lane.removeFirst();
        if (lane.isEmpty()) {
            lanes.remove(key);
        } else {
            startHead(lane.peekFirst());
        }
        OrgQueue queue = organization(delivery.event().organizationId());
        queue.inMemory--;
        inMemory.decrementAndGet();
        maybeLoad(queue);
    }

    private void maybeLoad(OrgQueue queue) {
        if (queue.backlog && !queue.loading && !closing && queue.inMemory <= perOrganization / 2) {
            queue.loading = true;
            backlog.load(queue.organizationId, queue.resumeFrom, perOrganization - queue.inMemory);
        }
    }

    private Map<String, String> headers(PendingEvent event, Instant at) {
        long timestamp = at.getEpochSecond();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", UserAgent.VALUE);
        headers.put("webhook-id", event.webhookId());
        headers.put("webhook-timestamp", Long.toString(timestamp));
        String secret = event.endpoint().secret();
        if (secret != null) {
            headers.put("webhook-signature", Signer.of(secret).sign(event.webhookId(), timestamp, event.body()));
        }
        return headers;
    }

    private void tell(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            DeliveryLog.LOG.warn("delivery listener failed: {}", DeliveryLog.shortMessage(e), e);
        }
    }

    private void checkDrained() {
        if (closing && inFlight == 0) {
            drained.complete(null);
        }
    }

    // ---- any thread ----

    private void run(Runnable task) {
        try {
            thread.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    DeliveryLog.LOG.error("delivery task failed: {}", e.toString(), e);
                }
            });
        } catch (RejectedExecutionException e) {
            // stopped: whatever this was stays pending in the outbox
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
