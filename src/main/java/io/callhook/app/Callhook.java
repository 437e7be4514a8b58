package io.callhook.app;

import io.callhook.call.LegState;
import io.callhook.config.CallhookConfig;
import io.callhook.delivery.DeliveryListener;
import io.callhook.delivery.Dispatcher;
import io.callhook.delivery.Transport;
import io.callhook.delivery.netty.NettyTransport;
import io.callhook.directory.Organization;
import io.callhook.directory.ReloadableDirectory;
import io.callhook.directory.Webhook;
import io.callhook.sip.SipServer;
import io.callhook.tracker.CallTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One running callhook: wires delivery → tracker → SIP and owns their start and stop order
 * (start delivery first so no event finds it missing; stop SIP first so no new event arrives,
 * then let delivery drain for a bounded time).
 */
public final class Callhook implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Callhook.class);
    /** A call with no live leg is remembered this long, so retransmitted BYEs find it (64 × T1). */
    static final Duration CALL_LINGER = Duration.ofSeconds(32);
    static final Duration DRAIN_GRACE = Duration.ofSeconds(5);

    private final Transport transport;
    private final Dispatcher dispatcher;
    private final CallTracker tracker;
    private final SipServer sip;
    private final ScheduledExecutorService housekeeping;
    private final AdminWiring admin; // issue 7: /health, /metrics

    private Callhook(Transport transport, Dispatcher dispatcher, CallTracker tracker, SipServer sip,
                     ScheduledExecutorService housekeeping, AdminWiring admin) {
        this.admin = admin;
        this.transport = transport;
        this.dispatcher = dispatcher;
        this.tracker = tracker;
        this.sip = sip;
        this.housekeeping = housekeeping;
    }

    public static Callhook start(CallhookConfig config, ReloadableDirectory directory, Clock clock) throws Exception {
        return start(config, directory, clock, DeliveryListener.NONE);
    }

    /** @param listener hears every delivery attempt (metrics, tests) */
    public static Callhook start(CallhookConfig config, ReloadableDirectory directory, Clock clock,
                                 DeliveryListener listener) throws Exception {
        Transport transport = new NettyTransport();
        AdminWiring admin = AdminWiring.prepare(config.admin()); // issue 7: metrics hear delivery and events
        Dispatcher dispatcher = new Dispatcher(transport, clock, admin.listener(listener));
        CallTracker tracker = new CallTracker(clock,
                org -> directory.organization(org).map(Organization::webhook).map(Webhook::states)
                        .orElse(Set.<LegState>of()),
                admin.counting(new EventPipeline(directory, dispatcher)), config.sip().maxCallDuration(), CALL_LINGER);
        SipServer sip;
        try {
            sip = SipServer.start(config.sip(), directory, tracker, clock);
        } catch (Exception | Error e) {
            dispatcher.close();
            transport.close();
            throw e;
        }
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "callhook-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(guard("leg sweep", tracker::sweep), 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(guard("directory reload", () -> reload(directory)), 2, 2, TimeUnit.SECONDS);
        Callhook callhook = new Callhook(transport, dispatcher, tracker, sip, housekeeping, admin);
        // --- issue 7: admin endpoints start last (stop first), then the startup line ---
        try {
            admin.start(sip, tracker, dispatcher);
        } catch (Exception | Error e) {
            callhook.close();
            throw e;
        }
        LOG.info("callhook {} started: sip={} organizations={} admin={}", version(), sip.listening(),
                directory.organizationCount(), admin.describe());
        return callhook;
    }

    /** The jar's Implementation-Version, or {@code dev} when run from classes. */
    public static String version() {
        String v = Callhook.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** The admin HTTP port, when {@code admin.listen} is set. */
    public java.util.OptionalInt adminPort() {
        return admin.port();
    }

    /** A refused reload is logged by the source itself, once per change of the file. */
    private static void reload(ReloadableDirectory directory) {
        directory.reloadIfChanged();
    }

    private static Runnable guard(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (Throwable t) {
                LOG.error("{} failed: {}", what, t.toString(), t);
            }
        };
    }

    public CallTracker tracker() {
        return tracker;
    }

    public Dispatcher dispatcher() {
        return dispatcher;
    }

    /** Live SIP transactions in the stack, for leak checks. */
    public int liveSipTransactions() {
        return sip.liveTransactions();
    }

    public List<String> sipListening() {
        return sip.listening();
    }

    @Override
    public void close() {
        admin.close(); // issue 7
        sip.close();
        housekeeping.shutdownNow();
        if (!dispatcher.close(DRAIN_GRACE)) {
            LOG.warn("stopped with {} event(s) undelivered after {} s", dispatcher.pendingEvents(),
                    DRAIN_GRACE.toSeconds());
        }
        transport.close();
    }
}
