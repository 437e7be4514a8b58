package io.callhook.cli;

import io.callhook.delivery.Outbox;
import io.callhook.store.SqliteFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;

import static io.callhook.cli.CommandLineTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code callhook outbox stats | list | replay} on an outbox file written with plain SQL against the
 * schema the README documents.
 */
class OutboxCommandTest {

    @TempDir
    Path dir;
    Path config;
    Path outbox;

    @BeforeEach
    void writeConfig() throws Exception {
        outbox = dir.resolve("data/outbox.db");
        config = dir.resolve("callhook.yaml");
        Files.writeString(config, "sip:\n  listen: [\"udp:127.0.0.1:5060\"]\ndirectory:\n  file: config/directory.yaml\n"
                + "outbox:\n  path: " + outbox + "\n");
    }

    void store(String org, String callId, int seq, String status, String reason) throws Exception {
        try (Connection c = SqliteFile.open(outbox)) {
            Outbox.createSchema(c);
            long id;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO event (webhook_id, org, call_id, seq_num, state, "
                    + "stored_at, body) VALUES (?, ?, ?, ?, 'EARLY', '2025-01-31T09:00:00.000Z', ?)")) {
                s.setString(1, "msg_" + org + "_" + callId + "_" + seq);
                s.setString(2, org);
                s.setString(3, callId);
                s.setInt(4, seq);
                s.setBytes(5, "{}".getBytes());
                s.executeUpdate();
            }
            try (var r = c.createStatement().executeQuery("SELECT max(id) FROM event")) {
                r.next();
                id = r.getLong(1);
            }
            try (PreparedStatement s = c.prepareStatement("INSERT INTO delivery (event_id, org, endpoint_url, status, "
                    + "position, enqueued_at, attempts, last_status, dead_reason) "
                    + "VALUES (?, ?, 'https://crm.example/hook', ?, ?, '2025-01-31T09:00:00.000Z', 3, '503', ?)")) {
                s.setLong(1, id);
                s.setString(2, org);
                s.setString(3, status);
                s.setLong(4, id);
                s.setString(5, reason);
                s.executeUpdate();
            }
        }
    }

    @Test
    void statsCountsPendingDeliveredAndDeadPerOrganization() throws Exception {
        store("acme", "c1", 1, "delivered", null);
        store("acme", "c1", 2, "dead", "max_age 24h");
        store("acme", "c2", 1, "pending", null);
        store("zeta", "c3", 1, "dead", "410 Gone");

        CommandLineTest.Result r = run("outbox", "stats", "--config", config.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out().lines().toList()).containsExactly(
                String.format("%-24s %10s %10s %10s  %s", "org", "pending", "delivered", "dead", "oldest_pending"),
                String.format("%-24s %10d %10d %10d  %s", "acme", 1, 1, 1, "2025-01-31T09:00:00.000Z"),
                String.format("%-24s %10d %10d %10d  %s", "zeta", 0, 0, 1, "-"));
    }

    @Test
    void listDeadPrintsOneKeyValueLinePerEventFilteredByOrganizationAndCall() throws Exception {
        store("acme", "c1", 1, "delivered", null);
        store("acme", "c1", 2, "dead", "max_age PT24H reached after 9 attempts, last status 503");
        store("acme", "c2", 1, "dead", "max_age");
        store("zeta", "c1", 1, "dead", "410 Gone");

        CommandLineTest.Result all = run("outbox", "list", "--dead", "--config", config.toString());
        CommandLineTest.Result one = run("outbox", "list", "--dead", "--org", "acme", "--call-id", "c1",
                "--config", config.toString());

        assertThat(all.exit()).as(all.err()).isZero();
        assertThat(all.out().lines()).hasSize(3);
        assertThat(one.out().lines().toList()).containsExactly("dead org=acme call_id=c1 seq=2 state=EARLY "
                + "webhook_id=msg_acme_c1_2 stored_at=2025-01-31T09:00:00.000Z attempts=3 last_status=503 "
                + "reason=\"max_age PT24H reached after 9 attempts, last status 503\"");
    }

    @Test
    void replayMakesACallsDeadEventsPendingAgainAtTheEndOfTheQueue() throws Exception {
        store("acme", "c1", 1, "dead", "max_age");
        store("acme", "c1", 2, "dead", "max_age");
        store("acme", "c2", 1, "dead", "max_age");

        CommandLineTest.Result r = run("outbox", "replay", "--call-id", "c1", "--config", config.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("replayed 2 events");
        assertThat(run("outbox", "list", "--pending", "--config", config.toString()).out().lines())
                .hasSize(2).allMatch(l -> l.startsWith("pending org=acme call_id=c1 ") && l.contains(" attempts=0 "));
        try (Connection c = SqliteFile.openExisting(outbox);
             var rs = c.createStatement().executeQuery("SELECT group_concat(position) FROM (SELECT position FROM "
                     + "delivery WHERE status = 'pending' ORDER BY event_id)")) {
            rs.next();
            assertThat(rs.getString(1)).as("after every existing position, in the original order").isEqualTo("4,5");
        }
    }

    @Test
    void replayByOrganizationNeedsSinceAndTakesOnlyEventsStoredSinceThen() throws Exception {
        store("acme", "c1", 1, "dead", "max_age");

        assertThat(run("outbox", "replay", "--org", "acme", "--since", "2025-01-31T10:00:00Z", "--config",
                config.toString()).out()).startsWith("replayed 0 events");
        assertThat(run("outbox", "replay", "--org", "acme", "--since", "2025-01-31T08:00:00Z", "--config",
                config.toString()).out()).startsWith("replayed 1 event:");
    }

    @Test
    void replayWithoutASelectionOrWithABadTimeIsAUsageErrorWithExit2() throws Exception {
        store("acme", "c1", 1, "dead", "max_age");

        CommandLineTest.Result none = run("outbox", "replay", "--config", config.toString());
        CommandLineTest.Result orgOnly = run("outbox", "replay", "--org", "acme", "--config", config.toString());
        CommandLineTest.Result badTime = run("outbox", "replay", "--org", "acme", "--since", "yesterday",
                "--config", config.toString());

        assertThat(none.exit()).isEqualTo(2);
        assertThat(none.err()).contains("replay needs --call-id CALL_ID, or --org ORG and --since TIME");
        assertThat(orgOnly.exit()).isEqualTo(2);
        assertThat(badTime.exit()).isEqualTo(2);
        assertThat(badTime.err()).contains("--since must be an instant like 2025-01-31T09:00:00Z or a duration like 2h");
        assertThat(run("outbox", "list", "--config", config.toString()).exit()).as("list needs a status").isEqualTo(2);
        assertThat(run("outbox", "--config", config.toString()).exit()).as("outbox needs a subcommand").isEqualTo(2);
    }

    @Test
    void aMissingOutboxFileIsARuntimeFailureWithExit1AndIsNotCreated() {
        CommandLineTest.Result r = run("outbox", "stats", "--config", config.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("no outbox at " + outbox.toAbsolutePath());
        assertThat(outbox).doesNotExist();
    }

    @Test
    void aBadConfigurationIsExit2() throws Exception {
        Files.writeString(config, "sip:\n  listen: [\"udp:127.0.0.1:5060\"]\ndirectory:\n  file: x.yaml\noutbox:\n  colour: red\n");

        CommandLineTest.Result r = run("outbox", "stats", "--config", config.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(config + ":6: outbox.colour: unknown key");
    }

    @Test
    void runRefusesToStartOnAnOutboxAnotherCallhookOwnsWithExit1() throws Exception {
        Files.createDirectories(outbox.getParent());
        try (io.callhook.store.OwnerLock held = io.callhook.store.OwnerLock.acquire(outbox)) {
            CommandLineTest.Result r = run("run", "--config", config.toString());

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("callhook: cannot start: another callhook is running on the outbox");
        }
    }

    @Test
    void everyOutboxCommandHasHelp() {
        assertThat(run("outbox", "--help").out()).contains("Usage:", "stats", "list", "replay");
        for (String[] args : new String[][] {{"outbox", "stats", "--help"},
                {"outbox", "list", "--help"}, {"outbox", "replay", "--help"}}) {
            CommandLineTest.Result r = run(args);
            assertThat(r.exit()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage:").contains("--config");
        }
        assertThat(run("--help").out()).contains("outbox");
    }
}
