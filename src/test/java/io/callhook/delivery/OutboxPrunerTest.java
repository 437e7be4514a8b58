package io.callhook.delivery;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LocalCertificates;
import io.callhook.store.SqliteFile;
import io.callhook.testing.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outbox retention ({@code outbox.keep_delivered}) on a real file filled through the real delivery
 * path (outbox → dispatcher → Netty → HTTPS sink), with the clock moved by hand: what is deleted,
 * what stays, and that the outbox and its CLI keep working afterwards.
 */
@Timeout(120)
class OutboxPrunerTest {

    private static final Duration WAIT = Recorder.WAIT;
    private static final Instant T0 = Instant.parse("2025-01-01T12:00:00Z");
    private static final Duration KEEP = Duration.ofDays(7);
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(List.of(Duration.ofMillis(50)), Duration.ofHours(1), 0);
    /** Dead after one failed attempt once the clock passes a minute. */
    private static final RetryPolicy ONE_MINUTE = new RetryPolicy(List.of(Duration.ofMillis(20)), Duration.ofMinutes(1), 0);
    /** Stays pending: the retry is ten real minutes away. */
    private static final RetryPolicy SLOW_RETRY = new RetryPolicy(List.of(Duration.ofMinutes(10)), Duration.ofDays(30), 0);

    @TempDir
    static Path dir;
    @TempDir
    Path work;
    private static LocalCertificates certificates;
    private static Path caFile;

    private final MutableClock clock = new MutableClock(T0);
    private final Recorder recorder = new Recorder();
    private final Map<String, Route> routes = OutboxRig.routes();
    /** Calls whose first POST the sink refuses (503), so that they have two attempt rows. */
    private final Set<String> refusedOnce = ConcurrentHashMap.newKeySet();
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private final Logger prunerLogger = (Logger) LoggerFactory.getLogger(OutboxPruner.class);
    private HttpsSink sink;
    private Path file;
    private OutboxRig rig;

    @BeforeAll
    static void makeCertificates() {
        certificates = LocalCertificates.generate();
        caFile = dir.resolve("ca.pem");
        certificates.writeCaPem(caFile);
    }

    @BeforeEach
    void start() throws Exception {
        sink = HttpsSink.start(certificates);
        // old-* and new-* are taken (old-* after one 503), dead-* and pending-* never are
        sink.answer(r -> {
            String call = r.body().replaceAll(".*\"call_id\":\"([^\"]*)\".*", "$1");
            if (call.startsWith("dead-") || call.startsWith("pending-")) {
                return HttpsSink.Reply.status(503);
            }
            return HttpsSink.Reply.status(call.startsWith("old-") && refusedOnce.add(call) ? 503 : 200);
        });
        file = work.resolve("data/outbox.db");
        routes.put("org-1", new Route(endpoint(), FAST_RETRY));
        rig = OutboxRig.open(file, clock, recorder, 1_000, routes);
        log.start();
        prunerLogger.addAppender(log);
    }

    @AfterEach
    void stop() {
        prunerLogger.detachAppender(log);
        rig.close();
        sink.close();
    }

    @Test
    void onlyDeliveredEventsSettledLongerAgoThanKeepDeliveredGoWithTheirAttempts() throws Exception {
        deliver("old-", 3, FAST_RETRY);                           // settled at T0, two attempts each
        append("dead-1", ONE_MINUTE);
        recorder.nextMatching("attempted org-1/dead-1/1");
        clock.advance(Duration.ofMinutes(2));
        recorder.nextMatching("dead org-1/dead-1/1");             // settled at T0 + 2 min: older, but dead
        clock.advance(Duration.ofDays(8));
        deliver("new-", 1, FAST_RETRY);                           // settled at T0 + 8 d: younger than 7 d
        append("pending-1", SLOW_RETRY);
        recorder.nextMatching("retrying org-1/pending-1/1");
        rig.writer.flush(WAIT);
        String attemptsOf = "SELECT a.id FROM attempt a JOIN event e ON e.id = a.event_id WHERE e.call_id ";
        assertThat(rows(attemptsOf + "LIKE 'old-%'")).hasSize(3 * 2);
        List<String> keptAttempts = rows(attemptsOf + "NOT LIKE 'old-%' ORDER BY a.id");
        List<Long> pruned = new CopyOnWriteArrayList<>();

        long deleted = pruner(KEEP, pruned, OutboxPruner.CHUNK).prune().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(deleted).isEqualTo(3);
        assertThat(pruned).containsExactly(3L);
        assertThat(rows("SELECT e.call_id || ' ' || d.status FROM event e JOIN delivery d ON d.event_id = e.id "
                + "ORDER BY e.id")).containsExactly("dead-1 dead", "new-1 delivered", "pending-1 pending");
        assertThat(rows("SELECT id FROM attempt ORDER BY id")).as("attempt rows: only those of deleted events went")
                .isEqualTo(keptAttempts);
        assertThat(rows("SELECT DISTINCT e.call_id FROM attempt a JOIN event e ON e.id = a.event_id ORDER BY 1"))
                .containsExactly("dead-1", "new-1", "pending-1");
        assertThat(rows("PRAGMA foreign_key_check")).isEmpty();
        assertThat(messages()).singleElement().asString()
                .startsWith("outbox pruned events=3 older_than=2025-01-02T12:02:00.000Z chunks=1 ms=");

        Path config = work.resolve("callhook.yaml");
        Files.writeString(config, "sip: { listen: [\"udp:127.0.0.1:5060\"] }\n"
                + "directory: { file: config/directory.yaml }\noutbox: { path: \"" + file + "\" }\n");
        Cli.Result stats = Cli.run("outbox", "stats", "--config", config.toString());
        assertThat(stats.exit()).as(stats.err()).isZero();
        assertThat(stats.out().lines().skip(1).toList()).containsExactly(
                String.format("%-24s %10d %10d %10d  %s", "org-1", 1, 1, 1, "2025-01-09T12:02:00.000Z"));
        Cli.Result delivered = Cli.run("outbox", "list", "--delivered", "--config", config.toString());
        assertThat(delivered.exit()).as(delivered.err()).isZero();
        assertThat(delivered.out().lines().toList()).singleElement().asString()
                .startsWith("delivered org=org-1 call_id=new-1 seq=1 ");
        Cli.Result dead = Cli.run("outbox", "list", "--dead", "--config", config.toString());
        assertThat(dead.out().lines().toList()).singleElement().asString().startsWith("dead org=org-1 call_id=dead-1 ");

        assertThat(pruner(KEEP, pruned, OutboxPruner.CHUNK).prune().get(WAIT.toSeconds(), TimeUnit.SECONDS))
                .as("a second run finds nothing").isZero();
        assertThat(messages()).as("and logs nothing").hasSize(1);
        assertThat(pruned).containsExactly(3L);
    }

    @Test
    void aRunOfSeveralChunksDeletesEveryOldDeliveredEventOneCommitPerChunk() throws Exception {
        deliver("old-", 30, FAST_RETRY);
        clock.advance(Duration.ofDays(8));
        deliver("new-", 1, FAST_RETRY);
        rig.writer.flush(WAIT);
        List<Long> pruned = new CopyOnWriteArrayList<>();

        long deleted = pruner(KEEP, pruned, 7).prune().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(deleted).isEqualTo(30);
        assertThat(pruned).as("events per committed chunk").containsExactly(7L, 7L, 7L, 7L, 2L);
        assertThat(rows("SELECT call_id FROM event")).containsExactly("new-1");
        assertThat(rig.count("SELECT count(*) FROM delivery")).isEqualTo(1);
        assertThat(rig.count("SELECT count(*) FROM attempt")).isEqualTo(1);
        assertThat(messages()).singleElement().asString()
                .startsWith("outbox pruned events=30 older_than=2025-01-02T12:00:00.000Z chunks=5 ms=");
    }

    @Test
    void eventsStoredAndDeliveredWhileARunGoesOnAreNotTouched() throws Exception {
        deliver("old-", 40, FAST_RETRY);
        clock.advance(Duration.ofDays(8));
        rig.writer.flush(WAIT);

        CompletableFuture<Long> run = pruner(KEEP, new CopyOnWriteArrayList<>(), 5).prune(); // 8 chunks, 50 ms apart
        deliver("new-", 20, FAST_RETRY);
        long deleted = run.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        rig.writer.flush(WAIT);

        assertThat(deleted).isEqualTo(40);
        assertThat(rows("SELECT e.call_id || ' ' || d.status FROM event e JOIN delivery d ON d.event_id = e.id "
                + "ORDER BY d.position")).hasSize(20).allMatch(r -> r.matches("new-\\d+ delivered"));
        assertThat(rig.count("SELECT count(*) FROM attempt")).isEqualTo(20);
    }

    @Test
    void theNewestDeliveryIsKeptSoQueuePositionsNeverGoBack() throws Exception {
        deliver("old-", 3, FAST_RETRY);
        rig.writer.flush(WAIT);
        long newest = rig.count("SELECT max(position) FROM delivery");
        clock.advance(Duration.ofDays(8));

        long deleted = pruner(KEEP, new ArrayList<>(), OutboxPruner.CHUNK).prune().get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(deleted).isEqualTo(2);
        assertThat(rig.count("SELECT position FROM delivery")).isEqualTo(newest);
        deliver("new-", 1, FAST_RETRY);
        rig.writer.flush(WAIT);
        assertThat(rig.count("SELECT max(position) FROM delivery")).as("the next event's position")
                .isEqualTo(newest + 1);
    }

    @Test
    void keepDeliveredZeroKeepsEverything() throws Exception {
        deliver("old-", 2, FAST_RETRY);
        append("pending-1", SLOW_RETRY);
        recorder.nextMatching("retrying org-1/pending-1/1");
        clock.advance(Duration.ofDays(3650));

        long deleted = pruner(Duration.ZERO, new ArrayList<>(), OutboxPruner.CHUNK).prune()
                .get(WAIT.toSeconds(), TimeUnit.SECONDS);

        rig.writer.flush(WAIT);
        assertThat(deleted).isZero();
        assertThat(rig.count("SELECT count(*) FROM event")).isEqualTo(3);
        assertThat(messages()).isEmpty();
    }

    @Test
    void theOldestDeliveredQueryUsesAnIndexThatExistingFilesGainAtTheirNextStart() throws Exception {
        try (Connection c = SqliteFile.openExisting(file); Statement s = c.createStatement()) {
            s.execute("DROP INDEX delivery_delivered_by_settled_at"); // a file written before retention existed
            Outbox.createSchema(c);
            String plan;
            try (ResultSet r = s.executeQuery("EXPLAIN QUERY PLAN " + OutboxPruner.OLDEST_DELIVERED
                    .replaceFirst("settled_at < \\?", "settled_at < '2025-01-01'").replaceFirst("LIMIT \\?", "LIMIT 5"))) {
                List<String> steps = new ArrayList<>();
                while (r.next()) {
                    steps.add(r.getString("detail"));
                }
                plan = String.join("; ", steps);
            }
            assertThat(plan).contains("SEARCH delivery USING INDEX delivery_delivered_by_settled_at (settled_at<?)")
                    .doesNotContain("SCAN delivery").doesNotContain("TEMP B-TREE");
        }
    }

    private OutboxPruner pruner(Duration keep, List<Long> pruned, int chunk) {
        return new OutboxPruner(rig.writer, clock, keep, pruned::add, chunk);
    }

    /** Appends {@code n} calls {@code prefix1…prefixN} (one event each) and waits until each is delivered. */
    private void deliver(String prefix, int n, RetryPolicy retry) throws InterruptedException {
        for (int i = 1; i <= n; i++) {
            append(prefix + i, retry);
        }
        for (int i = 1; i <= n; i++) {
            recorder.nextMatching("delivered");
        }
    }

    private void append(String callId, RetryPolicy retry) {
        rig.append(PendingEvent.of("org-1", callId, 1, "CONFIRMED",
                DispatcherTest.body(callId, 1).getBytes(StandardCharsets.UTF_8), endpoint(), retry));
    }

    private List<String> rows(String sql) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = SqliteFile.openExisting(file); Statement s = c.createStatement();
             ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                out.add(r.getString(1));
            }
        }
        return out;
    }

    private List<String> messages() {
        synchronized (log) {
            return log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    private Endpoint endpoint() {
        return new Endpoint(sink.url(), caFile, Duration.ofSeconds(10));
    }
}
