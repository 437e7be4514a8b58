package io.callhook.delivery;

import io.callhook.store.GroupCommitWriter;
import io.callhook.store.SqliteFile;
import io.callhook.store.Timestamps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What retention costs on a big file: building the index on a file written before it existed, the
 * writer's time per 5,000-event chunk (delete + commit with fsync), a whole run, and that the freed
 * pages are reused rather than the file growing. Not part of the build; run it with
 * {@code mvn -o test -Dtest=OutboxPruneBenchmark -Dcallhook.benchmark=true}
 * ({@code -Dcallhook.benchmark.events=N}, default 300,000 delivered events, 2 attempts each).
 */
@EnabledIfSystemProperty(named = "callhook.benchmark", matches = "true")
class OutboxPruneBenchmark {

    static final int EVENTS = Integer.getInteger("callhook.benchmark.events", 300_000);
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    @TempDir
    Path work;

    @Test
    void pruneABigFile() throws Exception {
        Path file = work.resolve("outbox.db");
        byte[] body = ("{\"seq_num\":1,\"call_id\":\"tvNAazZlEwDZTCO74Pk95Q-000000\",\"branch_id\":\"L1FIItkNwW0.\","
                + "\"timestamp\":\"2021-09-30T10:36:19.315+00:00\",\"state\":\"EARLY\",\"direction\":\"INCOMING\","
                + "\"local_user_id\":\"setera.test@seteratesting.fi\",\"local_number\":\"+35894272XXXX\","
                + "\"device_type\":\"SOFT\",\"remote_number\":\"+35840940XXXX\"}").getBytes(StandardCharsets.UTF_8);
        try (Connection c = SqliteFile.open(file)) {
            Outbox.createSchema(c);
            fill(c, 0, EVENTS, body);
            try (Statement s = c.createStatement()) {
                s.execute("DROP INDEX delivery_delivered_by_settled_at");
            }
            long start = System.nanoTime();
            Outbox.createSchema(c);
            System.out.printf("index build on %,d delivery rows: %d ms%n", EVENTS, ms(start));
        }
        System.out.printf("file before: %,d bytes%n", Files.size(file));

        Connection c = SqliteFile.open(file);
        String cutoff = Timestamps.format(T0.plus(Duration.ofDays(1)));
        for (int size : new int[] {5_000, 5_000, 5_000, 2_000, 2_000, 2_000}) {
            long start = System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.execute("BEGIN IMMEDIATE");
                int n = OutboxPruner.deleteOldest(c, cutoff, size);
                long deleteMs = ms(start);
                s.execute("COMMIT");
                System.out.printf("chunk of %,d: %d ms delete, %d ms with commit%n", n, deleteMs, ms(start));
            }
        }
        GroupCommitWriter writer = new GroupCommitWriter(c, Duration.ofSeconds(1));
        writer.start();
        MutableClock clock = new MutableClock(T0.plus(Duration.ofDays(8)));
        long start = System.nanoTime();
        CompletableFuture<Long> run = new OutboxPruner(writer, clock, Duration.ofDays(7), n -> {}).prune();
        List<Long> commitMs = new ArrayList<>(); // what a write submitted during the run waits for its commit
        while (!run.isDone()) {
            long t = System.nanoTime();
            writer.flush(Duration.ofSeconds(30));
            commitMs.add(ms(t));
            Thread.sleep(10);
        }
        long deleted = run.get();
        long runMs = ms(start);
        Collections.sort(commitMs);
        System.out.printf("run: %,d events in %d ms (%,d events/s); a write meanwhile waited median %d ms, max %d ms"
                        + " (%d samples)%n", deleted, runMs, deleted * 1000 / Math.max(1, runMs),
                commitMs.get(commitMs.size() / 2), commitMs.get(commitMs.size() - 1), commitMs.size());
        writer.close(Duration.ofSeconds(10));
        try (Connection check = SqliteFile.openExisting(file)) {
            assertThat(count(check, "SELECT count(*) FROM event")).isEqualTo(1);
            System.out.printf("file after: %,d bytes, %,d of %,d pages free%n", Files.size(file),
                    count(check, "PRAGMA freelist_count"), count(check, "PRAGMA page_count"));
            long pages = count(check, "PRAGMA page_count");
            fill(check, EVENTS, EVENTS / 2, body);
            System.out.printf("after storing %,d new events: %,d pages (was %,d), %,d free%n", EVENTS / 2,
                    count(check, "PRAGMA page_count"), pages, count(check, "PRAGMA freelist_count"));
        }
    }

    /** {@code n} delivered events settled at T0, two attempts each, in transactions of 10,000. */
    private static void fill(Connection c, int from, int n, byte[] body) throws Exception {
        long start = System.nanoTime();
        String at = Timestamps.format(T0);
        try (Statement tx = c.createStatement();
             PreparedStatement e = c.prepareStatement("INSERT INTO event (id, webhook_id, org, call_id, seq_num, state,"
                     + " stored_at, body) VALUES (?, ?, 'org-1', ?, 1, 'EARLY', ?, ?)");
             PreparedStatement d = c.prepareStatement("INSERT INTO delivery (event_id, org, endpoint_url, status,"
                     + " position, enqueued_at, attempts, last_status, settled_at)"
                     + " VALUES (?, 'org-1', 'https://crm.example/hook', 'delivered', ?, ?, 2, '200', ?)");
             PreparedStatement a = c.prepareStatement("INSERT INTO attempt (event_id, number, started_at, duration_ms,"
                     + " http_status) VALUES (?, ?, ?, 12, ?)")) {
            for (int i = from; i < from + n; i++) {
                if ((i - from) % 10_000 == 0) {
                    if (i > from) {
                        tx.execute("COMMIT");
                    }
                    tx.execute("BEGIN IMMEDIATE");
                }
                long id = i + 1;
                e.setLong(1, id);
                e.setString(2, "msg_" + id);
                e.setString(3, "call-" + id);
                e.setString(4, at);
                e.setBytes(5, body);
                e.executeUpdate();
                d.setLong(1, id);
                d.setLong(2, id);
                d.setString(3, at);
                d.setString(4, at);
                d.executeUpdate();
                for (int k = 1; k <= 2; k++) {
                    a.setLong(1, id);
                    a.setInt(2, k);
                    a.setString(3, at);
                    a.setInt(4, k == 1 ? 503 : 200);
                    a.executeUpdate();
                }
            }
            tx.execute("COMMIT");
        }
        System.out.printf("stored %,d events in %d ms%n", n, ms(start));
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static long ms(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
