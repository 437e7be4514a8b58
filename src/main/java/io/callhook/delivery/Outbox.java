package io.callhook.delivery;

import io.callhook.store.CachedStatements;
import io.callhook.store.GroupCommitWriter;
import io.callhook.store.Participant;
import io.callhook.store.Timestamps;
import io.callhook.store.Write;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The durable outbox (SPEC §6): every event is stored, as the exact bytes that will be POSTed,
 * before delivery sees it; every attempt and the final outcome are recorded; after a crash or a
 * restart, what is still pending is delivered again (same {@code webhook-id}).
 *
 * <h2>Flow</h2>
 * The SIP path {@link #append appends} (a queued write, no disk I/O on the caller's thread). The
 * {@link GroupCommitWriter} stores the event and its delivery row in its next group commit, giving
 * the delivery a queue {@code position}; after the commit the outbox hands the new rows to the
 * {@link DeliveryFeed} (the dispatcher), in position order. The dispatcher reports back through
 * {@link DeliveryListener} (which this class implements: attempts, next attempt, delivered, dead,
 * each a queued write) and asks for an organization's {@link Backlog} when it had to leave rows on
 * disk to bound its memory.
 *
 * <h2>Rows it did not write itself</h2>
 * At start every pending row is read back, in position order, a page at a time (the next page only
 * once the feed has taken the previous one). Rows that another process made pending (the CLI's
 * {@code outbox replay}) get positions after everything else; the outbox notices them at its next
 * cycle (at the latest one idle-poll interval later) and reads them the same way. An event whose
 * organization is no longer in the directory cannot be routed: it is marked dead.
 *
 * <h2>Threading</h2>
 * {@link #append} from SIP threads, the listener methods and {@link #load} from the dispatcher
 * thread: all only queue writes. Everything that touches the connection runs on the writer thread,
 * which also owns the fields below marked "writer thread".
 */
public final class Outbox implements DeliveryListener, Backlog, Participant {

    private static final Logger LOG = LoggerFactory.getLogger(Outbox.class);
    static final int PAGE = 1_000;

    private static final String SELECT_PENDING = """
            SELECT d.event_id, d.position, d.enqueued_at, d.attempts, d.next_attempt_at, d.replayed_at,
                   e.org, e.call_id, e.seq_num, e.state, e.webhook_id, e.body
              FROM delivery d JOIN event e ON e.id = d.event_id
            """;

    private final GroupCommitWriter writer;
    /** The writer's prepared statements for appends and marks (writer thread only). */
    private final CachedStatements statements = new CachedStatements();
    private final Clock clock;
    private final Routes routes;
    private volatile DeliveryFeed feed;
    private final Queue<BacklogRequest> backlogRequests = new ConcurrentLinkedQueue<>();
    /** Pending rows in the file, for {@code /metrics}: counted at start, then +1 per committed append, −1 per settle. */
    private final java.util.concurrent.atomic.AtomicLong pendingRows = new java.util.concurrent.atomic.AtomicLong();

    // ---- writer thread ----
    /** Every pending row at or before this position has been offered to the feed. */
    private long cursor;
    /** True while pending rows after {@link #cursor} may exist that were not appended by this outbox. */
    private boolean behind;
    private long nextPosition;
    private final List<StoredDelivery> appended = new ArrayList<>();
    private CompletableFuture<Void> lastOffer = CompletableFuture.completedFuture(null);

    /**
     * Joins {@code writer} as a participant: call before the writer starts.
     *
     * @param connection the writer's connection, read here (before the writer thread owns it) to
     *                   learn whether deliveries are pending from an earlier run
     */
    public Outbox(GroupCommitWriter writer, Connection connection, Clock clock, Routes routes) throws SQLException {
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.routes = Objects.requireNonNull(routes, "routes");
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT count(*) FROM delivery WHERE status = 'pending'")) {
            long pending = r.next() ? r.getLong(1) : 0;
            pendingRows.set(pending);
            behind = pending > 0; // read them back, in order, before anything new
        }
        cursor = behind ? 0 : maxPosition(connection);
        writer.add(this);
    }

    /** Creates the outbox tables when missing. */
    public static void createSchema(Connection c) throws SQLException {
        OutboxSchema.create(c);
    }

    /** Starts handing committed deliveries (the pending ones on disk first) to {@code feed}. */
    public void start(DeliveryFeed feed) {
        this.feed = Objects.requireNonNull(feed, "feed");
    }

    /**
     * Deliveries pending in the file (what {@code outbox stats} would count), kept in memory; rows
     * another process changes while this one runs (a CLI replay) are not seen until the next start.
     */
    public long pendingRows() {
        return pendingRows.get();
    }

    /** Stores the event and its delivery in the next group commit. Never blocks. */
    public void append(PendingEvent event) {
        writer.submit(new Append(event));
    }

    // ---- DeliveryListener: the dispatcher marks rows (dispatcher thread, queued writes) ----

    @Override
    public void attempted(PendingEvent event, Attempt attempt) {
        writer.submit(new Mark("attempt " + event.webhookId(), c -> {
            PreparedStatement s = statements.get(c, """
                    INSERT INTO attempt (event_id, number, started_at, duration_ms, http_status, error)
                    SELECT id, ?, ?, ?, ?, ? FROM event WHERE webhook_id = ?""");
            s.setInt(1, attempt.number());
            s.setString(2, Timestamps.format(attempt.startedAt()));
            s.setLong(3, attempt.duration().toMillis());
            if (attempt.outcome() instanceof Attempt.Answered a) {
                s.setInt(4, a.result().status());
                s.setNull(5, java.sql.Types.VARCHAR);
            } else {
                s.setNull(4, java.sql.Types.INTEGER);
                s.setString(5, ((Attempt.Failed) attempt.outcome()).error());
            }
            s.setString(6, event.webhookId());
            s.executeUpdate();
            update(c, "UPDATE delivery SET attempts = ?, last_status = ? WHERE event_id = "
                    + "(SELECT id FROM event WHERE webhook_id = ?) AND status = 'pending'",
                    attempt.number(), attempt.status(), event.webhookId());
        }));
    }

    @Override
    public void retrying(PendingEvent event, Instant at) {
        writer.submit(new Mark("retry " + event.webhookId(), c -> update(c,
                "UPDATE delivery SET next_attempt_at = ? WHERE event_id = (SELECT id FROM event WHERE webhook_id = ?)"
                        + " AND status = 'pending'", Timestamps.format(at), event.webhookId())));
    }

    @Override
    public void delivered(PendingEvent event, Attempt attempt) {
        pendingRows.decrementAndGet();
        Instant now = clock.instant();
        writer.submit(new Mark("delivered " + event.webhookId(), c -> update(c,
                "UPDATE delivery SET status = 'delivered', settled_at = ?, next_attempt_at = NULL WHERE event_id = "
                        + "(SELECT id FROM event WHERE webhook_id = ?) AND status = 'pending'",
                Timestamps.format(now), event.webhookId())));
    }

    @Override
    public void dead(PendingEvent event, String reason) {
        pendingRows.decrementAndGet();
        Instant now = clock.instant();
        writer.submit(new Mark("dead " + event.webhookId(), c -> markDead(c, event.webhookId(), reason, now)));
    }

    // ---- Backlog (dispatcher thread) ----

    @Override
    public void load(String organizationId, long fromPosition, int limit) {
        backlogRequests.add(new BacklogRequest(organizationId, fromPosition, limit));
        writer.submit(new Write() {
            @Override
            public void apply(Connection c) {} // wakes the writer: requests are answered after its commit

            @Override
            public String describe() {
                return "backlog read org=" + organizationId;
            }
        });
    }

    private record BacklogRequest(String organizationId, long fromPosition, int limit) {}

    /**
     * Answers backlog requests after the commit's rows were offered, so every row the query sees
     * was offered before the answer arrives (the dispatcher ignores those and takes them from here).
     */
    private void answerBacklog(Connection c, DeliveryFeed f) throws SQLException {
        BacklogRequest request;
        while ((request = backlogRequests.poll()) != null) {
            List<StoredDelivery> rows = new ArrayList<>();
            Read read;
            try (PreparedStatement s = c.prepareStatement(SELECT_PENDING
                    + " WHERE d.org = ? AND d.status = 'pending' AND d.position >= ? ORDER BY d.position LIMIT ?")) {
                s.setString(1, request.organizationId());
                s.setLong(2, request.fromPosition());
                s.setInt(3, request.limit());
                read = readRows(s, rows);
            }
            long nextFrom = read.count() == 0 ? request.fromPosition() : read.lastPosition() + 1;
            f.backlogLoaded(request.organizationId(), rows, nextFrom, read.count() < request.limit());
        }
    }

    // ---- Participant (writer thread) ----

    @Override
    public void beforeWrites(Connection c) throws SQLException {
        long max = maxPosition(c);
        if (max > cursor) {
            behind = true; // someone else (the CLI) queued rows since our last look
        }
        nextPosition = max + 1;
        appended.clear();
    }

    @Override
    public void afterCommit(Connection c) throws SQLException {
        DeliveryFeed f = feed;
        if (f == null) {
            appended.clear();
            behind = true;
            return;
        }
        if (!behind) {
            if (!appended.isEmpty()) {
                lastOffer = f.offer(List.copyOf(appended));
                cursor = appended.get(appended.size() - 1).position();
            }
            if (maxPosition(c) > cursor) {
                behind = true;
            }
        }
        appended.clear();
        if (behind && lastOffer.isDone()) {
            readPage(c, f);
        }
        answerBacklog(c, f);
    }

    @Override
    public void rolledBack() {
        appended.clear();
    }

    @Override
    public boolean wantsAnotherCycle() {
        return behind && feed != null;
    }

    /** Offers the next page of pending rows after {@link #cursor}, read in one consistent snapshot. */
    private void readPage(Connection c, DeliveryFeed f) throws SQLException {
        List<StoredDelivery> rows = new ArrayList<>();
        long max;
        Read read;
        try (Statement tx = c.createStatement()) {
            tx.execute("BEGIN");
            try {
                max = maxPosition(c);
                try (PreparedStatement s = c.prepareStatement(SELECT_PENDING
                        + " WHERE d.status = 'pending' AND d.position > ? ORDER BY d.position LIMIT ?")) {
                    s.setLong(1, cursor);
                    s.setInt(2, PAGE);
                    read = readRows(s, rows);
                }
            } finally {
                tx.execute("COMMIT");
            }
        }
        if (read.count() < PAGE) {
            cursor = Math.max(cursor, max);
            behind = false;
        } else {
            cursor = read.lastPosition();
        }
        if (!rows.isEmpty()) {
            lastOffer = f.offer(rows);
        }
    }

    /** How many rows a query returned, routable or not, and the position of the last one. */
    private record Read(int count, long lastPosition) {}

    /** Reads rows; those whose organization has no route are marked dead (queued) and left out. */
    private Read readRows(PreparedStatement s, List<StoredDelivery> into) throws SQLException {
        int read = 0;
        long last = 0;
        try (ResultSet r = s.executeQuery()) {
            while (r.next()) {
                read++;
                long position = r.getLong(2);
                last = position;
                String org = r.getString(7);
                String webhookId = r.getString(11);
                Optional<Route> route = routes.route(org);
                if (route.isEmpty()) {
                    String why = "organization " + org + " is no longer in the directory";
                    LOG.warn("delivery dead call_id={} seq={} org={} reason=\"{}\"", r.getString(8), r.getLong(9), org, why);
                    Instant now = clock.instant();
                    pendingRows.decrementAndGet();
                    writer.submit(new Mark("dead " + webhookId, c2 -> markDead(c2, webhookId, why, now)));
                    continue;
                }
                PendingEvent event = new PendingEvent(org, r.getString(8), r.getLong(9), r.getString(10),
                        r.getBytes(12), route.get().endpoint(), route.get().retry(), webhookId);
                into.add(new StoredDelivery(r.getLong(1), position, event, Timestamps.parse(r.getString(3)),
                        r.getInt(4), Timestamps.parse(r.getString(5)), Timestamps.parse(r.getString(6))));
            }
        }
        return new Read(read, last);
    }

    private static long maxPosition(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT max(position) FROM delivery")) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    private void markDead(Connection c, String webhookId, String reason, Instant now) throws SQLException {
        update(c, "UPDATE delivery SET status = 'dead', dead_reason = ?, settled_at = ?, next_attempt_at = NULL "
                + "WHERE event_id = (SELECT id FROM event WHERE webhook_id = ?) AND status = 'pending'",
                reason, Timestamps.format(now), webhookId);
    }

    private void update(Connection c, String sql, Object... args) throws SQLException {
        statements.update(c, sql, args);
    }

    /**
     * Stores one event and its pending delivery, at the next queue position.
     *
     * <p>{@code webhook_id} is unique in the file, and ids are derived from the event's content
     * ({@link WebhookIds}), so an id already present means either the same event appended twice
     * (not stored again: it already has its delivery) or, should two different events ever get the
     * same id, another event: this one is then stored and sent under {@link WebhookIds#insteadOf
     * another id} rather than lost. Either case is logged, as neither happens when callers behave.
     */
    private final class Append implements Write {
        /** More would mean something other than chance makes ids collide: fail loudly instead of looping. */
        private static final int MAX_OTHER_IDS = 3;

        private final PendingEvent event;
        /** What the last {@link #apply} stored (maybe under another id), null when nothing. */
        private PendingEvent stored;

        Append(PendingEvent event) {
            this.event = event;
        }

        @Override
        public void apply(Connection c) throws SQLException {
            stored = null;
            Instant now = clock.instant();
            PendingEvent candidate = event;
            OptionalLong id = insertEvent(c, candidate, now);
            for (int other = 0; id.isEmpty(); other++) {
                String holder = describeHolder(c, candidate);
                if (holder == null) {
                    LOG.warn("outbox: event call_id={} seq={} org={} webhook_id={} is already stored: not stored twice",
                            event.callId(), event.seqNum(), event.organizationId(), candidate.webhookId());
                    return;
                }
                if (other == MAX_OTHER_IDS) {
                    throw new SQLException("webhook_id " + candidate.webhookId() + " and " + MAX_OTHER_IDS
                            + " ids derived from it are taken by other events");
                }
                String instead = WebhookIds.insteadOf(candidate.webhookId());
                LOG.warn("outbox: webhook_id {} already names another event ({}); event call_id={} seq={} org={} "
                                + "is stored and sent as webhook_id {}", candidate.webhookId(), holder, event.callId(),
                        event.seqNum(), event.organizationId(), instead);
                candidate = new PendingEvent(event.organizationId(), event.callId(), event.seqNum(), event.state(),
                        event.body(), event.endpoint(), event.retry(), instead);
                id = insertEvent(c, candidate, now);
            }
            long position = nextPosition++;
            update(c, """
                    INSERT INTO delivery (event_id, org, endpoint_url, status, position, enqueued_at)
                    VALUES (?, ?, ?, 'pending', ?, ?)""", id.getAsLong(), candidate.organizationId(),
                    candidate.endpoint().url().toString(), position, Timestamps.format(now));
            stored = candidate;
            appended.add(new StoredDelivery(id.getAsLong(), position, candidate, now, 0, null, null));
        }

        @Override
        public void committed() {
            if (stored != null) {
                pendingRows.incrementAndGet();
            }
        }

        @Override
        public String describe() {
            return "append call_id=" + event.callId() + " seq=" + event.seqNum() + " org=" + event.organizationId();
        }
    }

    /** Inserts the event row; empty when its webhook_id is already in the file. */
    private OptionalLong insertEvent(Connection c, PendingEvent event, Instant now) throws SQLException {
        PreparedStatement s = statements.get(c, """
                INSERT INTO event (webhook_id, org, call_id, seq_num, state, stored_at, body)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (webhook_id) DO NOTHING
                RETURNING id""");
        s.setString(1, event.webhookId());
        s.setString(2, event.organizationId());
        s.setString(3, event.callId());
        s.setLong(4, event.seqNum());
        s.setString(5, event.state());
        s.setString(6, Timestamps.format(now));
        s.setBytes(7, event.body());
        try (ResultSet r = s.executeQuery()) {
            return r.next() ? OptionalLong.of(r.getLong(1)) : OptionalLong.empty();
        }
    }

    /**
     * The event stored under {@code event}'s webhook_id, described for the log, when it is another
     * event; null when it is this one (same organization, call, seq_num, state and body).
     */
    private static String describeHolder(Connection c, PendingEvent event) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "SELECT org, call_id, seq_num, state, body, stored_at FROM event WHERE webhook_id = ?")) {
            s.setString(1, event.webhookId());
            try (ResultSet r = s.executeQuery()) {
                if (!r.next()) {
                    throw new SQLException("webhook_id " + event.webhookId() + " conflicts but is not in the file");
                }
                boolean same = r.getString(1).equals(event.organizationId()) && r.getString(2).equals(event.callId())
                        && r.getLong(3) == event.seqNum() && Objects.equals(r.getString(4), event.state())
                        && Arrays.equals(r.getBytes(5), event.body());
                return same ? null : "call_id=" + r.getString(2) + " seq=" + r.getLong(3) + " org=" + r.getString(1)
                        + " stored_at=" + r.getString(6);
            }
        }
    }

    /** A row update from the dispatcher. */
    private record Mark(String what, Sql sql) implements Write {
        @Override
        public void apply(Connection c) throws SQLException {
            sql.run(c);
        }

        @Override
        public String describe() {
            return what;
        }
    }

    @FunctionalInterface
    private interface Sql {
        void run(Connection c) throws SQLException;
    }
}
