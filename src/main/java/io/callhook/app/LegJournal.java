package io.callhook.app;

import io.callhook.call.DeviceType;
import io.callhook.call.Direction;
import io.callhook.call.Leg;
import io.callhook.call.LegInfo;
import io.callhook.call.LegKey;
import io.callhook.call.LegState;
import io.callhook.call.Party;
import io.callhook.call.TerminationReason;
import io.callhook.store.CachedStatements;
import io.callhook.store.GroupCommitWriter;
import io.callhook.store.SqliteFile;
import io.callhook.store.Timestamps;
import io.callhook.tracker.LegStore;
import io.callhook.tracker.TrackerSnapshot;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The tracker's {@link LegStore} in the outbox file: live legs and per-call seq counters, written by
 * the same group-committing writer as the events, in the same order, so after a crash the file
 * never holds an event whose seq counter (or leg) is missing, nor the reverse.
 *
 * <p>Threading: the {@link LegStore} methods run on SIP threads and only queue writes;
 * {@link #load} runs once at start, before the writer.
 */
final class LegJournal implements LegStore {

    static final String LIVE_LEG = """
            CREATE TABLE IF NOT EXISTS live_leg (
              call_id        TEXT NOT NULL,
              branch_id      TEXT NOT NULL,
              org            TEXT NOT NULL,
              direction      TEXT NOT NULL,
              local_user_id  TEXT, local_email TEXT, local_number TEXT,
              device_type    TEXT,
              remote_user_id TEXT, remote_email TEXT, remote_number TEXT,
              state          TEXT NOT NULL,   -- TRYING, PROCEEDING, EARLY, CONFIRMED
              pending_cancel TEXT,            -- a CANCEL's reason waiting for the final response
              dialog_tag     TEXT,            -- the To-tag of the 2xx: what a BYE is matched on
              started_at     TEXT NOT NULL,
              confirmed_at   TEXT,
              PRIMARY KEY (call_id, branch_id)
            )""";

    static final String CALL_SEQ = """
            CREATE TABLE IF NOT EXISTS call_seq (
              call_id  TEXT    NOT NULL,
              org      TEXT    NOT NULL,
              last_seq INTEGER NOT NULL,
              PRIMARY KEY (call_id, org)
            )""";

    private final GroupCommitWriter writer;
    private final CachedStatements statements = new CachedStatements(); // writer thread only

    LegJournal(GroupCommitWriter writer) {
        this.writer = writer;
    }

    static void createSchema(Connection c) throws SQLException {
        SqliteFile.apply(c, LIVE_LEG, CALL_SEQ);
    }

    @Override
    public void legChanged(Leg leg) {
        if (leg.isTerminated()) {
            writer.submit(c -> execute(c, "DELETE FROM live_leg WHERE call_id = ? AND branch_id = ?",
                    leg.key().callId(), leg.key().branchId()));
            return;
        }
        LegInfo info = leg.info();
        writer.submit(c -> execute(c, """
                INSERT OR REPLACE INTO live_leg (call_id, branch_id, org, direction, local_user_id, local_email,
                  local_number, device_type, remote_user_id, remote_email, remote_number, state, pending_cancel,
                  dialog_tag, started_at, confirmed_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                leg.key().callId(), leg.key().branchId(), info.organizationId(), info.direction().name(),
                info.local().userId(), info.local().email(), info.local().number(),
                info.deviceType() == null ? null : info.deviceType().name(),
                info.remote().userId(), info.remote().email(), info.remote().number(),
                leg.state().name(), leg.pendingCancel() == null ? null : leg.pendingCancel().name(),
                leg.dialogTag(), Timestamps.format(leg.startedAt()), Timestamps.format(leg.confirmedAt())));
    }

    @Override
    public void seqAdvanced(String callId, String organizationId, long seq) {
        writer.submit(c -> execute(c, "INSERT OR REPLACE INTO call_seq (call_id, org, last_seq) VALUES (?, ?, ?)",
                callId, organizationId, seq));
    }

    @Override
    public void callForgotten(String callId) {
        writer.submit(c -> {
            execute(c, "DELETE FROM call_seq WHERE call_id = ?", callId);
            execute(c, "DELETE FROM live_leg WHERE call_id = ?", callId);
        });
    }

    /** What the file holds: live legs and seq counters, for {@code CallTracker.restore}. */
    static TrackerSnapshot load(Connection c) throws SQLException {
        List<Leg> legs = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("""
                SELECT call_id, branch_id, org, direction, local_user_id, local_email, local_number, device_type,
                       remote_user_id, remote_email, remote_number, state, pending_cancel, dialog_tag, started_at,
                       confirmed_at
                  FROM live_leg ORDER BY call_id, started_at""")) {
            while (r.next()) {
                LegInfo info = new LegInfo(r.getString(3), Direction.valueOf(r.getString(4)),
                        new Party(r.getString(5), r.getString(6), r.getString(7)),
                        r.getString(8) == null ? null : DeviceType.valueOf(r.getString(8)),
                        new Party(r.getString(9), r.getString(10), r.getString(11)));
                legs.add(new Leg(new LegKey(r.getString(1), r.getString(2)), info, LegState.valueOf(r.getString(12)),
                        null, r.getString(13) == null ? null : TerminationReason.valueOf(r.getString(13)),
                        r.getString(14), Timestamps.parse(r.getString(15)), Timestamps.parse(r.getString(16))));
            }
        }
        Map<String, Map<String, Long>> seqs = new HashMap<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT call_id, org, last_seq FROM call_seq")) {
            while (r.next()) {
                seqs.computeIfAbsent(r.getString(1), k -> new HashMap<>()).put(r.getString(2), r.getLong(3));
            }
        }
        return new TrackerSnapshot(legs, seqs);
    }

    private void execute(Connection c, String sql, Object... args) throws SQLException {
        statements.update(c, sql, args);
    }
}
