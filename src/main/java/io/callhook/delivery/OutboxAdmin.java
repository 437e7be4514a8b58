package io.callhook.delivery;

import io.callhook.store.Timestamps;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What the operator CLI ({@code callhook outbox …}) does to an outbox file: counts, lists and
 * replays. Runs on its own connection, beside a running callhook or not: a replay only makes rows
 * pending again at the end of the queue, and a running callhook notices them within a second.
 * Stateless.
 */
public final class OutboxAdmin {

    /** Deliveries of one organization by status; {@code oldestPending} is null when none is pending. */
    public record OrgStats(String org, long pending, long delivered, long dead, Instant oldestPending) {}

    /** One event and its delivery, as {@code outbox list} prints it. */
    public record Entry(String org, String callId, long seqNum, String state, String webhookId, Instant storedAt,
                        String status, int attempts, String lastStatus, String deadReason) {}

    /** Which events {@link #list} and {@link #replay} look at; null fields match anything. */
    public record Selection(String org, String callId, Instant since) {}

    private OutboxAdmin() {}

    public static List<OrgStats> stats(Connection c) throws SQLException {
        List<OrgStats> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT org,
                       sum(status = 'pending'), sum(status = 'delivered'), sum(status = 'dead'),
                       min(CASE WHEN status = 'pending' THEN enqueued_at END)
                  FROM delivery GROUP BY org ORDER BY org""")) {
            while (r.next()) {
                out.add(new OrgStats(r.getString(1), r.getLong(2), r.getLong(3), r.getLong(4),
                        Timestamps.parse(r.getString(5))));
            }
        }
        return out;
    }

    /** Events whose delivery has {@code status}, oldest first, at most {@code limit}. */
    public static List<Entry> list(Connection c, String status, Selection selection, int limit) throws SQLException {
        List<Entry> out = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT e.org, e.call_id, e.seq_num, e.state, e.webhook_id, e.stored_at, d.status, d.attempts,
                       d.last_status, d.dead_reason
                  FROM delivery d JOIN event e ON e.id = d.event_id
                 WHERE d.status = ? AND (? IS NULL OR e.org = ?) AND (? IS NULL OR e.call_id = ?)
                   AND (? IS NULL OR e.stored_at >= ?)
                 ORDER BY e.id LIMIT ?""")) {
            s.setString(1, status);
            bindSelection(s, 2, selection);
            s.setInt(8, limit);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(new Entry(r.getString(1), r.getString(2), r.getLong(3), r.getString(4), r.getString(5),
                            Timestamps.parse(r.getString(6)), r.getString(7), r.getInt(8), r.getString(9),
                            r.getString(10)));
                }
            }
        }
        return out;
    }

    /**
     * Makes the selected dead events (and delivered ones too with {@code includeDelivered}) pending
     * again, at the end of the queue in their original order, with a fresh {@code max_age} and retry
     * schedule. Their {@code webhook-id} stays the same, so receivers can tell a replay from a new event.
     *
     * @return how many events will be sent again
     */
    public static int replay(Connection c, Selection selection, boolean includeDelivered, Instant now)
            throws SQLException {
        try (Statement tx = c.createStatement()) {
            tx.execute("BEGIN IMMEDIATE");
            try {
                List<Long> ids = new ArrayList<>();
                try (PreparedStatement s = c.prepareStatement("""
                        SELECT d.event_id FROM delivery d JOIN event e ON e.id = d.event_id
                         WHERE (d.status = 'dead' OR (? AND d.status = 'delivered'))
                           AND (? IS NULL OR e.org = ?) AND (? IS NULL OR e.call_id = ?)
                           AND (? IS NULL OR e.stored_at >= ?)
                         ORDER BY d.position""")) {
                    s.setBoolean(1, includeDelivered);
                    bindSelection(s, 2, selection);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            ids.add(r.getLong(1));
                        }
                    }
                }
                long position;
                try (ResultSet r = tx.executeQuery("SELECT coalesce(max(position), 0) FROM delivery")) {
                    r.next();
                    position = r.getLong(1);
                }
                String at = Timestamps.format(now);
                try (PreparedStatement u = c.prepareStatement("""
                        UPDATE delivery SET status = 'pending', position = ?, enqueued_at = ?, attempts = 0,
                               next_attempt_at = NULL, dead_reason = NULL, settled_at = NULL, replayed_at = ?
                         WHERE event_id = ?""")) {
                    for (long id : ids) {
                        u.setLong(1, ++position);
                        u.setString(2, at);
                        u.setString(3, at);
                        u.setLong(4, id);
                        u.executeUpdate();
                    }
                }
                tx.execute("COMMIT");
                return ids.size();
            } catch (SQLException | RuntimeException e) {
                tx.execute("ROLLBACK");
                throw e;
            }
        }
    }

    private static void bindSelection(PreparedStatement s, int from, Selection selection) throws SQLException {
        s.setString(from, selection.org());
        s.setString(from + 1, selection.org());
        s.setString(from + 2, selection.callId());
        s.setString(from + 3, selection.callId());
        String since = Timestamps.format(selection.since());
        s.setString(from + 4, since);
        s.setString(from + 5, since);
    }
}
