package io.callhook.app;

import io.callhook.admin.AdminServer;
import io.callhook.admin.CallhookMetrics;
import io.callhook.admin.HealthCheck;
import io.callhook.call.LegState;
import io.callhook.config.CallhookConfig;
import io.callhook.delivery.Attempt;
import io.callhook.delivery.DeliveryListener;
import io.callhook.delivery.Dispatcher;
import io.callhook.delivery.PendingEvent;
import io.callhook.sip.SipServer;
import io.callhook.tracker.CallTracker;
import io.callhook.tracker.LegEventSink;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Connects the {@code admin} room to the running pieces when {@code admin.listen} is set: the
 * metrics hear delivery (a {@link DeliveryListener}) and emitted events (a wrapped sink), read
 * gauges from the tracker, the SIP stack and the dispatcher, and {@link AdminServer} serves
 * {@code /health} and {@code /metrics}. With {@code admin.listen} unset it does nothing.
 */
final class AdminWiring implements AutoCloseable {

    private final String listen;
    private final CallhookMetrics metrics;
    private volatile AdminServer server;

    private AdminWiring(String listen, CallhookMetrics metrics) {
        this.listen = listen;
        this.metrics = metrics;
    }

    static AdminWiring prepare(CallhookConfig.Admin admin) {
        String listen = admin == null ? null : admin.listen();
        return new AdminWiring(listen, listen == null ? null : new CallhookMetrics());
    }

    /** {@code other} plus the metrics, when on. */
    DeliveryListener listener(DeliveryListener other) {
        if (metrics == null) {
            return other;
        }
        return new DeliveryListener() {
            @Override
            public void attempted(PendingEvent event, Attempt attempt) {
                metrics.attempted(event, attempt);
                other.attempted(event, attempt);
            }

            @Override
            public void delivered(PendingEvent event, Attempt attempt) {
                metrics.delivered(event, attempt);
                other.delivered(event, attempt);
            }

            @Override
            public void retrying(PendingEvent event, java.time.Instant at) {
                metrics.retrying(event, at);
                other.retrying(event, at);
            }

            @Override
            public void dead(PendingEvent event, String reason) {
                metrics.dead(event, reason);
                other.dead(event, reason);
            }
        };
    }

    /** Hears how many delivered events the outbox pruned (one call per committed chunk); a no-op when off. */
    java.util.function.LongConsumer pruned() {
        return metrics == null ? events -> {} : metrics::pruned;
    }

    /** {@code sink}, counting each event it is handed (per organization and state), when on. */
    LegEventSink counting(LegEventSink sink) {
        if (metrics == null) {
            return sink;
        }
        return e -> {
            sink.accept(e);
            metrics.emitted(e.leg().info().organizationId(), e.transition().state().name());
        };
    }

    /** Registers the gauges and starts serving; the last step of start. */
    void start(SipServer sip, CallTracker tracker, Dispatcher dispatcher, io.callhook.delivery.Outbox outbox,
               io.callhook.store.GroupCommitWriter writer) throws Exception {
        if (metrics == null) {
            return;
        }
        CensusCache census = new CensusCache(tracker);
        for (LegState state : LegState.values()) {
            metrics.gauge("callhook.legs", "legs remembered by state (TERMINATED until the call is forgotten)",
                    () -> census.get().legsByState().getOrDefault(state, 0), "state", state.name());
        }
        metrics.gauge("callhook.legs.live", "legs not yet TERMINATED", tracker::liveLegs);
        metrics.gauge("callhook.calls", "calls with a live leg", () -> census.get().liveCalls(), "state", "live");
        metrics.gauge("callhook.calls", "calls remembered, live or lingering", tracker::trackedCalls,
                "state", "tracked");
        metrics.gauge("callhook.sip.transactions.live", "SIP transactions in the stack", sip::liveTransactions);
        metrics.gauge("callhook.sip.messages.in", "SIP messages that reached the proxy since start",
                sip::requestsIn, "kind", "request");
        metrics.gauge("callhook.sip.messages.in", "SIP messages that reached the proxy since start",
                sip::responsesIn, "kind", "response");
        metrics.gauge("callhook.sip.messages.out", "SIP messages callhook sent since start (not the stack's retransmissions)",
                sip::requestsOut, "kind", "request");
        metrics.gauge("callhook.sip.messages.out", "SIP messages callhook sent since start (not the stack's retransmissions)",
                sip::responsesOut, "kind", "response");
        metrics.gauge("callhook.delivery.pending", "deliveries held in memory: queued, in flight or waiting for a retry",
                dispatcher::pendingEvents);
        metrics.gauge("callhook.outbox.pending", "deliveries pending in the outbox file (the outbox depth)",
                outbox::pendingRows);
        metrics.gauge("callhook.outbox.writer.queue", "writes waiting for the outbox's next group commit",
                writer::queued);
        metrics.gauge("callhook.delivery.calls.in.flight", "calls with an event queued or in flight",
                dispatcher::inFlightCalls);
        List<HealthCheck> checks = new ArrayList<>();
        checks.add(new HealthCheck("sip", () -> sip.isListening() ? sip.stackProblem()
                : Optional.of("SIP listeners are not up")));
        for (String limit : SipServer.limitNames()) {
            metrics.gauge("callhook.sip.limited", "SIP messages refused (503) or dropped by a sip.limits limit since start",
                    () -> sip.limited(limit), "limit", limit);
        }
        metrics.gauge("callhook.sip.udp.queued", "UDP datagrams waiting for a SIP thread", sip::udpQueued);
        checks.add(new HealthCheck("outbox", writer::problem));
        server = AdminServer.start(listen, checks, metrics);
    }

    OptionalInt port() {
        AdminServer s = server;
        return s == null ? OptionalInt.empty() : OptionalInt.of(s.port());
    }

    String describe() {
        AdminServer s = server;
        return s == null ? "off" : listen.substring(0, listen.lastIndexOf(':') + 1) + s.port();
    }

    @Override
    public void close() {
        AdminServer s = server;
        if (s != null) {
            s.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** One tracker scan per scrape, however many gauges read it. */
    private static final class CensusCache implements Supplier<CallTracker.Census> {
        private final CallTracker tracker;
        private CallTracker.Census last;
        private long takenAt;

        CensusCache(CallTracker tracker) {
            this.tracker = tracker;
        }

        @Override
        public synchronized CallTracker.Census get() {
            long now = System.nanoTime();
            if (last == null || now - takenAt > 500_000_000L) {
                last = tracker.census();
                takenAt = now;
            }
            return last;
        }
    }
}
