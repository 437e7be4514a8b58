package io.callhook.app;

import io.callhook.call.LegState;
import io.callhook.config.CallhookConfig;
import io.callhook.delivery.DeliveryListener;
import io.callhook.delivery.Dispatcher;
import io.callhook.delivery.Outbox;
import io.callhook.delivery.OutboxPruner;
import io.callhook.delivery.Transport;
import io.callhook.delivery.netty.NettyTransport;
import io.callhook.directory.Organization;
import io.callhook.directory.ReloadableDirectory;
import io.callhook.directory.Webhook;
import io.callhook.sip.SipServer;
import io.callhook.store.GroupCommitWriter;
import io.callhook.store.OwnerLock;
import io.callhook.store.SqliteFile;
import io.callhook.tracker.CallTracker;
import io.callhook.tracker.TrackerSnapshot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One running callhook: wires store → outbox → delivery → tracker → SIP and owns their start and
 * stop order.
 *
 * <p>Start: open the outbox file, read back the live legs and seq counters and seed the tracker
 * with them, start the store writer and delivery (which begins with the events left pending by the
 * previous run), then take SIP. Stop: SIP first (no new event arrives), flush the outbox (every
 * event accepted is on disk), let attempts in flight finish for a bounded time, commit their
 * outcomes, close the file.
 */
public final class Callhook implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Callhook.class);
    /** A call with no live leg is remembered this long, so retransmitted BYEs find it (64 × T1). */
    static final Duration CALL_LINGER = Duration.ofSeconds(32);
    static final Duration DRAIN_GRACE = Duration.ofSeconds(5);
    static final Duration FLUSH_GRACE = Duration.ofSeconds(5);

    /**
     * Knobs that tests turn; operators have no reason to.
     *
     * @param storePoll       how often an idle outbox looks for events replayed by the CLI
     * @param perOrganization deliveries of one organization held in memory at most
     */
    public record Tuning(Duration storePoll, int perOrganization) {
        public static final Tuning DEFAULT = new Tuning(Duration.ofSeconds(1), Dispatcher.DEFAULT_PER_ORGANIZATION);
    }

    private final OwnerLock lock;
    private final GroupCommitWriter writer;
    private final Transport transport;
    private final Dispatcher dispatcher;
    private final CallTracker tracker;
    private final SipServer sip;
    private final ScheduledExecutorService housekeeping;
    private final AdminWiring admin; // issue 7: /health, /metrics

    private Callhook(OwnerLock lock, GroupCommitWriter writer, Transport transport, Dispatcher dispatcher,
                     CallTracker tracker, SipServer sip, ScheduledExecutorService housekeeping, AdminWiring admin) {
        this.lock = lock;
        this.writer = writer;
        this.admin = admin;
        this.transport = transport;
        this.dispatcher = dispatcher;
        this.tracker = tracker;
        this.sip = sip;
        this.housekeeping = housekeeping;
    }

    public static Callhook start(CallhookConfig config, ReloadableDirectory directory, Clock clock) throws Exception {
        return start(config, directory, clock, DeliveryListener.NONE, Tuning.DEFAULT);
    }

    /** @param listener hears every delivery attempt (metrics, tests) */
    public static Callhook start(CallhookConfig config, ReloadableDirectory directory, Clock clock,
                                 DeliveryListener listener) throws Exception {
        return start(config, directory, clock, listener, Tuning.DEFAULT);
    }

    /**
     * @param listener hears every delivery attempt (metrics, tests)
     * @param tuning   poll interval and memory bound, for tests
     */
    public static Callhook start(CallhookConfig config, ReloadableDirectory directory, Clock clock,
                                 DeliveryListener listener, Tuning tuning) throws Exception {
        Connection connection = SqliteFile.open(config.outbox().path());
        OwnerLock lock;
        try {
            lock = OwnerLock.acquire(config.outbox().path());
        } catch (java.io.IOException e) {
            connection.close();
            throw e;
        }
        TrackerSnapshot snapshot;
        try {
            Outbox.createSchema(connection);
            LegJournal.createSchema(connection);
            snapshot = LegJournal.load(connection);
        } catch (SQLException | RuntimeException e) {
            connection.close();
            lock.close();
            throw new SQLException("cannot open the outbox " + config.outbox().path() + ": " + e.getMessage(), e);
        }
        GroupCommitWriter writer = new GroupCommitWriter(connection, tuning.storePoll());
        Outbox outbox = new Outbox(writer, connection, clock, new WebhookRoutes(directory));
        Transport transport = new NettyTransport();
        AdminWiring admin = AdminWiring.prepare(config.admin()); // issue 7: metrics hear delivery and events
        OutboxPruner pruner = new OutboxPruner(writer, clock, config.outbox().keepDelivered(), admin.pruned());
        Dispatcher dispatcher = new Dispatcher(transport, clock, outbox,
                DeliveryListener.all(outbox, admin.listener(listener)),
                tuning.perOrganization(), () -> ThreadLocalRandom.current().nextDouble());
        outbox.start(dispatcher);
        CallTracker tracker = new CallTracker(clock,
                org -> directory.organization(org).map(Organization::webhook).map(Webhook::states)
                        .orElse(Set.<LegState>of()),
                admin.counting(new EventPipeline(directory, outbox)), config.sip().maxCallDuration(), CALL_LINGER,
                new LegJournal(writer));
        tracker.restore(snapshot);
        writer.start();
        SipServer sip;
        try {
            sip = SipServer.start(config.sip(), directory, tracker, clock);
        } catch (Exception | Error e) {
            dispatcher.close(Duration.ZERO);
            writer.close(FLUSH_GRACE);
            transport.close();
            lock.close();
            throw e;
        }
        ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "callhook-housekeeping");
            t.setDaemon(true);
            return t;
        });
        housekeeping.scheduleWithFixedDelay(guard("leg sweep", tracker::sweep), 1, 1, TimeUnit.SECONDS);
        housekeeping.scheduleWithFixedDelay(guard("directory reload", () -> reload(directory)), 2, 2, TimeUnit.SECONDS);
        if (config.outbox().prunes()) { // outbox.keep_delivered: the pruner only queues writes, its chunks run on the writer
            housekeeping.scheduleWithFixedDelay(guard("outbox prune", pruner::prune),
                    OutboxPruner.FIRST_RUN.toSeconds(), OutboxPruner.INTERVAL.toSeconds(), TimeUnit.SECONDS);
        }
        Callhook callhook = new Callhook(lock, writer, transport, dispatcher, tracker, sip, housekeeping, admin);
        // --- issue 7: admin endpoints start last (stop first), then the startup line ---
        try {
            admin.start(sip, tracker, dispatcher, outbox, writer);
        } catch (Exception | Error e) {
            callhook.close();
            throw e;
        }
        LOG.info("callhook {} started: sip={} organizations={} admin={} outbox={} restored_live_legs={} restored_calls={}",
                version(), sip.listening(), directory.organizationCount(), admin.describe(), config.outbox().path(),
                snapshot.liveLegs().size(), tracker.trackedCalls());
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

    /**
     * Stops SIP, commits every accepted event, waits up to 5 s for attempts in flight, commits their
     * outcomes and closes the outbox. Unsettled events are sent again at the next start.
     */
    @Override
    public void close() {
        admin.close(); // issue 7
        sip.close();
        housekeeping.shutdownNow();
        if (!writer.flush(FLUSH_GRACE)) {
            LOG.warn("outbox flush took longer than {} s; {} writes still queued", FLUSH_GRACE.toSeconds(),
                    writer.queued());
        }
        dispatcher.close(DRAIN_GRACE);
        writer.close(FLUSH_GRACE);
        transport.close();
        lock.close();
        LOG.info("callhook stopped");
    }
}
