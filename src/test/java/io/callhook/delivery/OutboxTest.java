package io.callhook.delivery;

import io.callhook.demo.HttpsSink;
import io.callhook.demo.LocalCertificates;
import io.callhook.store.SqliteFile;
import io.callhook.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The outbox on a real file: what is stored, what survives a restart, memory bounds, replays. */
@Timeout(120)
class OutboxTest {

    private static final Duration WAIT = Recorder.WAIT;
    private static final byte[] EMPTY_JSON = {'{', '}'};
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(List.of(Duration.ofMillis(50)), Duration.ofHours(1), 0);

    @TempDir
    static Path dir;
    @TempDir
    Path work;
    private static LocalCertificates certificates;
    private static Path caFile;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T12:00:00Z"));
    private final Recorder recorder = new Recorder();
    private final Map<String, Route> routes = OutboxRig.routes();
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
    void start() {
        sink = HttpsSink.start(certificates);
        file = work.resolve("data/outbox.db");
        routes.put("org-1", new Route(endpoint(), FAST_RETRY));
        routes.put("org-2", new Route(endpoint(), FAST_RETRY));
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        sink.close();
    }

    @Test
    void anEventIsStoredWithItsExactBytesAndEveryAttemptIsRecorded() throws Exception {
        rig = open(1_000);
        sink.answerInOrder(503);
        byte[] body = "{\"seq_num\":1,\"call_id\":\"é\"}".getBytes(StandardCharsets.UTF_8);
        rig.append(PendingEvent.of("org-1", "call-x", 1, "EARLY", body, endpoint(), FAST_RETRY));

        recorder.nextMatching("delivered");
        rig.writer.flush(WAIT);

        try (Connection c = SqliteFile.openExisting(file)) {
            var r = c.createStatement().executeQuery(
                    "SELECT body, webhook_id, org, call_id, seq_num, state FROM event");
            assertThat(r.next()).isTrue();
            assertThat(r.getBytes(1)).isEqualTo(body);
            assertThat(r.getString(2)).isEqualTo(WebhookIds.of("org-1", "call-x", 1, body));
            assertThat(r.getString(3) + " " + r.getString(4) + " " + r.getLong(5) + " " + r.getString(6))
                    .isEqualTo("org-1 call-x 1 EARLY");
        }
        assertThat(rig.text("SELECT status || ' attempts=' || attempts || ' last=' || last_status FROM delivery"))
                .isEqualTo("delivered attempts=2 last=200");
        assertThat(rig.text("SELECT group_concat(number || ':' || http_status, ' ') FROM attempt ORDER BY id"))
                .isEqualTo("1:503 2:200");
        assertThat(rig.text("PRAGMA journal_mode")).isEqualTo("wal");
    }

    @Test
    void pendingEventsAreSentAgainAfterARestartWithTheSameWebhookIdInSeqOrder() throws Exception {
        rig = open(1_000);
        sink.answer(r -> HttpsSink.Reply.status(503));
        for (int seq = 1; seq <= 3; seq++) {
            rig.append(event("org-1", "call-r", seq));
        }
        recorder.nextMatching("retrying org-1/call-r/1");
        rig.close();
        List<HttpsSink.Received> before = sink.posts();
        assertThat(before).isNotEmpty().allMatch(p -> p.body().contains("\"seq\":1"));

        sink.answer(r -> HttpsSink.Reply.status(200));
        rig = open(1_000);

        assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-r/1 ");
        assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-r/2 ");
        assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-r/3 ");
        List<HttpsSink.Received> after = sink.posts().subList(before.size(), before.size() + 3);
        assertThat(before).as("every attempt before the restart").extracting(p -> p.header("webhook-id"))
                .containsOnly(after.get(0).header("webhook-id"));
        assertThat(after).extracting(HttpsSink.Received::body).containsExactly(
                DispatcherTest.body("call-r", 1), DispatcherTest.body("call-r", 2), DispatcherTest.body("call-r", 3));
    }

    @Test
    void anEventsAgeCountsFromWhenItWasStoredEvenAcrossARestart() throws Exception {
        RetryPolicy tenMinutes = new RetryPolicy(List.of(Duration.ofMinutes(1)), Duration.ofMinutes(10), 0);
        routes.put("org-1", new Route(endpoint(), tenMinutes));
        rig = open(1_000);
        sink.answer(r -> HttpsSink.Reply.status(503));
        rig.append(PendingEvent.of("org-1", "call-old", 1, "EARLY", new byte[] {'{', '}'}, endpoint(), tenMinutes));
        recorder.nextMatching("retrying org-1/call-old/1");
        rig.close();

        clock.advance(Duration.ofMinutes(11));
        rig = open(1_000);

        assertThat(recorder.nextMatching("dead")).startsWith("dead org-1/call-old/1 reason=max_age PT10M reached after 2 attempts");
    }

    @Test
    void aBacklogLargerThanTheMemoryLimitWaitsOnDiskAndStillArrivesInOrder() throws Exception {
        int limit = 20;
        int calls = 50;
        int perCall = 4;
        rig = open(limit);
        sink.answer(r -> HttpsSink.Reply.status(503));
        for (int seq = 1; seq <= perCall; seq++) {
            for (int call = 0; call < calls; call++) {
                rig.append(event("org-1", "call-" + call, seq));
            }
        }
        rig.writer.flush(WAIT);
        AtomicInteger maxInMemory = new AtomicInteger();
        long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (System.nanoTime() < until) {
            maxInMemory.accumulateAndGet(rig.dispatcher.pendingEvents(), Math::max);
            Thread.sleep(5);
        }
        assertThat(maxInMemory.get()).as("deliveries in memory while the receiver is down").isBetween(1, limit);
        assertThat(rig.count("SELECT count(*) FROM delivery WHERE status = 'pending'")).isEqualTo(calls * perCall);

        sink.answer(r -> HttpsSink.Reply.status(200));
        for (int i = 0; i < calls * perCall; i++) {
            recorder.nextMatching("delivered");
            maxInMemory.accumulateAndGet(rig.dispatcher.pendingEvents(), Math::max);
        }

        assertThat(maxInMemory.get()).isLessThanOrEqualTo(limit);
        List<String> delivered = sink.posts().stream().filter(p -> p.body().contains("\"call_id\":\"call-7\""))
                .map(HttpsSink.Received::body).distinct().toList();
        assertThat(delivered).containsExactly(DispatcherTest.body("call-7", 1), DispatcherTest.body("call-7", 2),
                DispatcherTest.body("call-7", 3), DispatcherTest.body("call-7", 4));
        rig.writer.flush(WAIT);
        assertThat(rig.count("SELECT count(*) FROM delivery WHERE status = 'delivered'")).isEqualTo(calls * perCall);
        assertDeliveredInSeqOrderPerCall();
    }

    @Test
    void anOrganizationWhoseBacklogFillsItsMemoryTakesNoRoomFromAnother() throws Exception {
        HttpsSink down = HttpsSink.start(certificates);
        try {
            down.answer(r -> HttpsSink.Reply.status(503));
            Endpoint deadEndpoint = new Endpoint(down.url(), caFile, Duration.ofSeconds(5));
            routes.put("org-down", new Route(deadEndpoint, FAST_RETRY));
            rig = open(10);
            for (int call = 0; call < 100; call++) {
                rig.append(PendingEvent.of("org-down", "down-" + call, 1, "EARLY", new byte[] {'{', '}'}, deadEndpoint,
                        FAST_RETRY));
            }
            rig.writer.flush(WAIT);

            rig.append(event("org-1", "call-up", 1));
            assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-up/1 attempt=1");
        } finally {
            rig.close();
            rig = null;
            down.close();
        }
    }

    @Test
    void aReplayedDeadEventIsSentAgainByARunningOutboxWithItsWebhookId() throws Exception {
        RetryPolicy short1 = new RetryPolicy(List.of(Duration.ofMillis(20)), Duration.ofMinutes(1), 0);
        rig = open(1_000);
        sink.answer(r -> HttpsSink.Reply.status(503));
        rig.append(PendingEvent.of("org-1", "call-dead", 1, "EARLY", EMPTY_JSON, endpoint(), short1));
        recorder.nextMatching("attempted org-1/call-dead/1");
        clock.advance(Duration.ofMinutes(2));
        recorder.nextMatching("dead org-1/call-dead/1");
        rig.writer.flush(WAIT);
        assertThat(rig.text("SELECT status FROM delivery")).isEqualTo("dead");

        sink.answer(r -> HttpsSink.Reply.status(200));
        int replayed;
        try (Connection c = SqliteFile.openExisting(file)) {
            assertThat(OutboxAdmin.list(c, "dead", new OutboxAdmin.Selection(null, "call-dead", null), 10))
                    .extracting(OutboxAdmin.Entry::webhookId).containsExactly(WebhookIds.of("org-1", "call-dead", 1, EMPTY_JSON));
            replayed = OutboxAdmin.replay(c, new OutboxAdmin.Selection(null, "call-dead", null), false, clock.instant());
        }

        assertThat(replayed).isEqualTo(1);
        assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-dead/1 attempt=1");
        List<HttpsSink.Received> posts = sink.posts();
        assertThat(posts.get(posts.size() - 1).header("webhook-id")).isEqualTo(WebhookIds.of("org-1", "call-dead", 1, EMPTY_JSON));
    }

    @Test
    void storedEventsOfAnOrganizationNoLongerInTheDirectoryAreDeadWhenReadBack() throws Exception {
        rig = open(1_000);
        sink.answer(r -> HttpsSink.Reply.status(503));
        rig.append(event("org-2", "call-gone", 1));
        recorder.nextMatching("retrying org-2/call-gone/1");
        rig.close();

        routes.remove("org-2");
        rig = open(1_000);
        rig.writer.flush(WAIT);
        rig.writer.flush(WAIT);

        assertThat(rig.text("SELECT status || ': ' || dead_reason FROM delivery"))
                .isEqualTo("dead: organization org-2 is no longer in the directory");
    }

    @Test
    void aCallIdReusedForANewCallIsStoredAndDeliveredAgainUnderOtherWebhookIds() throws Exception {
        // The tracker forgot the first call; the device's next call reuses its Call-ID, so seq_num is
        // 1 again. Only the body (timestamp, branch) tells the two events apart.
        byte[] firstCall = callEvent("z9hG4bK-first", "2025-01-01T12:00:00.000+00:00");
        byte[] secondCall = callEvent("z9hG4bK-second", "2025-01-01T12:01:00.000+00:00");
        try (LogCapture log = new LogCapture()) {
            rig = open(1_000);
            rig.append(PendingEvent.of("org-1", "reused@device", 1, "TRYING", firstCall, endpoint(), FAST_RETRY));
            recorder.nextMatching("delivered org-1/reused@device/1");
            rig.append(PendingEvent.of("org-1", "reused@device", 1, "TRYING", secondCall, endpoint(), FAST_RETRY));
            recorder.nextMatching("delivered org-1/reused@device/1");

            List<HttpsSink.Received> posts = sink.awaitPosts(2, WAIT);
            assertThat(posts).extracting(HttpsSink.Received::body).containsExactly(
                    new String(firstCall, StandardCharsets.UTF_8), new String(secondCall, StandardCharsets.UTF_8));
            assertThat(posts.get(0).header("webhook-id")).isNotEqualTo(posts.get(1).header("webhook-id"));
            rig.writer.flush(WAIT);
            assertThat(rig.text("SELECT group_concat(d.status, ' ') FROM event e JOIN delivery d ON d.event_id = e.id"))
                    .isEqualTo("delivered delivered");
            assertThat(log.lines()).as("no write failed, nothing was refused").noneMatch(
                    l -> l.startsWith("ERROR") || l.startsWith("WARN"));
        }
    }

    @Test
    void theSameEventAppendedTwiceIsStoredAndSentOnce() throws Exception {
        PendingEvent event = event("org-1", "call-twice", 1);
        try (LogCapture log = new LogCapture()) {
            rig = open(1_000);
            rig.append(event);
            rig.append(event);
            rig.append(event("org-1", "call-twice", 2));

            // One lane, in order: had the copy been queued, it would be sent before seq 2.
            recorder.nextMatching("delivered org-1/call-twice/2");
            assertThat(sink.posts()).extracting(HttpsSink.Received::body).containsExactly(
                    DispatcherTest.body("call-twice", 1), DispatcherTest.body("call-twice", 2));
            rig.writer.flush(WAIT);
            assertThat(rig.count("SELECT count(*) FROM event")).isEqualTo(2);
            assertThat(rig.count("SELECT count(*) FROM delivery WHERE status = 'delivered'")).isEqualTo(2);
            assertThat(rig.outbox.pendingRows()).isZero();
            assertThat(log.lines()).noneMatch(l -> l.startsWith("ERROR"))
                    .anyMatch(l -> l.startsWith("WARN") && l.contains("call_id=call-twice seq=1")
                            && l.contains("already stored: not stored twice"));
        }
    }

    @Test
    void anotherEventUnderATakenWebhookIdIsStoredAndSentUnderAnotherOne() throws Exception {
        PendingEvent first = event("org-1", "call-clash", 1);
        String taken = first.webhookId();
        PendingEvent other = new PendingEvent("org-1", "call-clash", 2, "TERMINATED",
                DispatcherTest.body("call-clash", 2).getBytes(StandardCharsets.UTF_8), endpoint(), FAST_RETRY, taken);
        try (LogCapture log = new LogCapture()) {
            rig = open(1_000);
            rig.append(first);
            rig.append(other);

            assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-clash/1 ");
            assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-clash/2 ");
            List<HttpsSink.Received> posts = sink.awaitPosts(2, WAIT);
            assertThat(posts).extracting(p -> p.header("webhook-id") + " " + p.body()).containsExactly(
                    taken + " " + DispatcherTest.body("call-clash", 1),
                    WebhookIds.insteadOf(taken) + " " + DispatcherTest.body("call-clash", 2));
            rig.writer.flush(WAIT);
            assertThat(rig.text("SELECT group_concat(e.seq_num || ':' || e.webhook_id || ':' || d.status, ' ') "
                    + "FROM event e JOIN delivery d ON d.event_id = e.id ORDER BY e.id"))
                    .isEqualTo("1:" + taken + ":delivered 2:" + WebhookIds.insteadOf(taken) + ":delivered");
            assertThat(log.lines()).noneMatch(l -> l.startsWith("ERROR")).anyMatch(l -> l.startsWith("WARN")
                    && l.contains("webhook_id " + taken + " already names another event (call_id=call-clash seq=1")
                    && l.contains("is stored and sent as webhook_id " + WebhookIds.insteadOf(taken)));
        }
    }

    private static byte[] callEvent(String branchId, String timestamp) {
        return ("{\"seq_num\":1,\"call_id\":\"reused@device\",\"branch_id\":\"" + branchId + "\",\"timestamp\":\""
                + timestamp + "\",\"state\":\"TRYING\",\"direction\":\"OUTBOUND\"}").getBytes(StandardCharsets.UTF_8);
    }

    private void assertDeliveredInSeqOrderPerCall() throws Exception {
        try (Connection c = SqliteFile.openExisting(file)) {
            var r = c.createStatement().executeQuery("""
                    SELECT e.call_id, e.seq_num FROM attempt a JOIN event e ON e.id = a.event_id
                     WHERE a.http_status = 200 ORDER BY a.id""");
            Map<String, Long> last = new java.util.HashMap<>();
            List<String> problems = new ArrayList<>();
            while (r.next()) {
                long previous = last.getOrDefault(r.getString(1), 0L);
                if (r.getLong(2) != previous + 1) {
                    problems.add(r.getString(1) + " seq " + r.getLong(2) + " after " + previous);
                }
                last.put(r.getString(1), r.getLong(2));
            }
            assertThat(problems).isEmpty();
        }
    }

    private OutboxRig open(int perOrganization) throws Exception {
        return OutboxRig.open(file, clock, recorder, perOrganization, routes);
    }

    private Endpoint endpoint() {
        return new Endpoint(sink.url(), caFile, Duration.ofSeconds(10));
    }

    private PendingEvent event(String org, String callId, long seq) {
        return PendingEvent.of(org, callId, seq, "CONFIRMED", DispatcherTest.body(callId, seq)
                .getBytes(StandardCharsets.UTF_8), endpoint(), FAST_RETRY);
    }
}
