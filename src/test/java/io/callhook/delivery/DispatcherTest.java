package io.callhook.delivery;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LocalCertificates;
import io.callhook.testing.StandardWebhooksVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dispatcher over a real outbox file and real HTTPS: ordering, retries, headers, dead letters. */
@Timeout(60)
class DispatcherTest {

    private static final Duration WAIT = Recorder.WAIT;
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(List.of(Duration.ofMillis(50)), Duration.ofHours(1), 0);

    @TempDir
    static Path dir;
    @TempDir
    Path work;
    private static LocalCertificates certificates;
    private static Path caFile;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T12:00:00Z"));
    private final Recorder recorder = new Recorder();
    private HttpsSink sink;
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
        rig = OutboxRig.open(work.resolve("outbox.db"), clock, recorder, 1_000, OutboxRig.routes());
    }

    @AfterEach
    void stop() {
        rig.close();
        sink.close();
    }

    @Test
    void eventsOfOneCallArriveInSeqOrderWhileTheFirstIsRetried() throws Exception {
        sink.answerInOrder(503);

        rig.append(event("org-1", "call-a", 1, FAST_RETRY));
        rig.append(event("org-1", "call-a", 2, FAST_RETRY));
        rig.append(event("org-1", "call-a", 3, FAST_RETRY));

        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-a/1 attempt=2");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-a/2 attempt=1");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-a/3 attempt=1");
        List<HttpsSink.Received> posts = sink.awaitPosts(4, WAIT);
        assertThat(posts).extracting(HttpsSink.Received::body)
                .containsExactly(body("call-a", 1), body("call-a", 1), body("call-a", 2), body("call-a", 3));
        assertThat(posts.get(0).header("webhook-id")).isEqualTo(posts.get(1).header("webhook-id"))
                .isEqualTo(webhookId("org-1", "call-a", 1));
        assertThat(posts.get(2).header("webhook-id")).isEqualTo(webhookId("org-1", "call-a", 2));
        assertThat(rig.dispatcher.inFlightCalls()).isZero();
        assertThat(rig.dispatcher.pendingEvents()).isZero();
    }

    @Test
    void everyPostCarriesTheDeliveryHeaders() {
        rig.append(event("org-1", "call-h", 1, FAST_RETRY));

        HttpsSink.Received post = sink.awaitPosts(1, WAIT).get(0);
        assertThat(post.header("content-type")).isEqualTo("application/json");
        assertThat(post.header("user-agent")).isEqualTo("callhook/dev");
        assertThat(post.header("webhook-id")).isEqualTo(webhookId("org-1", "call-h", 1));
        assertThat(post.header("webhook-timestamp")).isEqualTo(Long.toString(clock.instant().getEpochSecond()));
        assertThat(post.header("webhook-signature")).as("no secret, no signature").isNull();
    }

    @Test
    void withASecretEveryAttemptIsSignedAndAnIndependentVerifierAcceptsIt() throws Exception {
        String secret = "whsec_ZGVtby1zZWNyZXQtY2hhbmdlLW1l";
        sink.answerInOrder(500);
        Endpoint signed = new Endpoint(sink.url(), caFile, Duration.ofSeconds(10), secret);
        rig.append(PendingEvent.of("org-1", "call-s", 1, "EARLY", body("call-s", 1).getBytes(StandardCharsets.UTF_8),
                signed, FAST_RETRY));
        recorder.nextMatching("attempted");
        clock.advance(Duration.ofSeconds(7));

        recorder.nextMatching("delivered");
        List<HttpsSink.Received> posts = sink.awaitPosts(2, WAIT);
        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(secret);
        for (HttpsSink.Received post : posts) {
            assertThat(verifier.verify(post.header("webhook-id"), post.header("webhook-timestamp"),
                    post.header("webhook-signature"), post.body().getBytes(StandardCharsets.UTF_8),
                    clock.instant().getEpochSecond())).as("signature of %s", post.header("webhook-timestamp")).isTrue();
        }
        assertThat(posts.get(1).header("webhook-timestamp")).as("fresh per attempt")
                .isNotEqualTo(posts.get(0).header("webhook-timestamp"));
        assertThat(posts.get(1).header("webhook-id")).isEqualTo(posts.get(0).header("webhook-id"));
    }

    @Test
    void aFailingCallDoesNotHoldUpAnotherCall() throws Exception {
        sink.answer(r -> HttpsSink.Reply.status(r.body().contains("call-a") ? 503 : 200));

        rig.append(event("org-1", "call-a", 1, FAST_RETRY));
        rig.append(event("org-1", "call-b", 1, FAST_RETRY));
        rig.append(event("org-1", "call-b", 2, FAST_RETRY));

        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-b/1 attempt=1");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-b/2 attempt=1");
        assertThat(rig.dispatcher.inFlightCalls()).isEqualTo(1);

        sink.answer(r -> HttpsSink.Reply.status(200));
        assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-a/1 attempt=");
    }

    @Test
    void manyCallsAreDeliveredConcurrentlyInOrderOverABoundedSetOfConnections() throws Exception {
        int calls = 40;
        for (int seq = 1; seq <= 3; seq++) {
            for (int c = 0; c < calls; c++) {
                rig.append(event("org-1", "call-" + c, seq, FAST_RETRY));
            }
        }

        for (int i = 0; i < calls * 3; i++) {
            recorder.nextMatching("delivered");
        }
        List<HttpsSink.Received> posts = sink.posts();
        assertThat(posts).hasSize(calls * 3);
        for (int c = 0; c < calls; c++) {
            String callId = "call-" + c;
            assertThat(posts).extracting(HttpsSink.Received::body)
                    .filteredOn(b -> b.contains("\"" + callId + "\""))
                    .containsExactly(body(callId, 1), body(callId, 2), body(callId, 3));
        }
        assertThat(sink.connectionsAccepted()).isBetween(1, 8);
    }

    @Test
    void attemptsInFlightToOneEndpointNeverExceedThePoolSoQueueingIsNotTimedOut() throws Exception {
        try (HeldReceiver receiver = new HeldReceiver()) {
            int cap = OutboxRig.CONNECTIONS_PER_ENDPOINT;
            int calls = cap + 20;
            Endpoint endpoint = new Endpoint(receiver.url(), null, Duration.ofSeconds(20));
            for (int c = 0; c < calls; c++) {
                rig.append(PendingEvent.of("org-1", "call-" + c, 1, "EARLY",
                        body("call-" + c, 1).getBytes(StandardCharsets.UTF_8), endpoint, FAST_RETRY));
            }
            receiver.awaitHeld(cap);
            Thread.sleep(300); // room for one more attempt to show up, if the cap did not hold
            assertThat(receiver.held()).isEqualTo(cap);

            receiver.release();
            for (int i = 0; i < calls; i++) {
                recorder.nextMatching("delivered");
            }
            assertThat(receiver.maxHeld()).isEqualTo(cap);
            assertThat(receiver.requests()).as("no attempt timed out waiting for a connection").isEqualTo(calls);
        }
    }

    /**
     * A plain HTTP/1.1 receiver on loopback that holds every request until released, counting how
     * many it holds at once.
     */
    private static final class HeldReceiver implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        private final java.util.concurrent.CountDownLatch released = new java.util.concurrent.CountDownLatch(1);
        private final java.util.concurrent.atomic.AtomicInteger held = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger maxHeld = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        private final java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool();

        HeldReceiver() throws java.io.IOException {
            threads.submit(this::accept);
        }

        java.net.URI url() {
            return java.net.URI.create("http://127.0.0.1:" + server.getLocalPort() + "/hook");
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    java.net.Socket socket = server.accept();
                    threads.submit(() -> serve(socket));
                } catch (java.io.IOException closed) {
                    return;
                }
            }
        }

        private void serve(java.net.Socket socket) {
            try (socket) {
                java.io.InputStream in = socket.getInputStream();
                while (true) {
                    String head = readHead(in);
                    if (head == null) {
                        return;
                    }
                    int length = 0;
                    for (String line : head.split("\r\n")) {
                        if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                            length = Integer.parseInt(line.substring(15).trim());
                        }
                    }
                    in.readNBytes(length);
                    requests.incrementAndGet();
                    maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                    released.await();
                    held.decrementAndGet();
                    socket.getOutputStream().write(
                            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
            } catch (Exception ignored) {
                // connection closed by the client or the test
            }
        }

        private static String readHead(java.io.InputStream in) throws java.io.IOException {
            StringBuilder head = new StringBuilder();
            int b;
            while ((b = in.read()) >= 0) {
                head.append((char) b);
                if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                    return head.toString();
                }
            }
            return null;
        }

        void awaitHeld(int n) throws InterruptedException {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (held.get() < n && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        int held() {
            return held.get();
        }

        int maxHeld() {
            return maxHeld.get();
        }

        int requests() {
            return requests.get();
        }

        void release() {
            released.countDown();
        }

        @Override
        public void close() throws Exception {
            released.countDown();
            server.close();
            threads.shutdownNow();
        }
    }

    @Test
    void theSameCallIdInAnotherOrganizationIsAnotherLane() throws Exception {
        sink.answer(r -> HttpsSink.Reply.status(r.header("webhook-id").equals(webhookId("org-1", "shared", 1)) ? 500 : 200));

        rig.append(event("org-1", "shared", 1, FAST_RETRY));
        rig.append(event("org-2", "shared", 1, FAST_RETRY));

        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-2/shared/1 attempt=1");
        assertThat(rig.dispatcher.inFlightCalls()).isEqualTo(1);
    }

    @Test
    void anEventIsDeadAfterItsMaxAgeAndTheLaneMovesOn() throws Exception {
        RetryPolicy policy = new RetryPolicy(List.of(Duration.ofMillis(20)), Duration.ofMinutes(10), 0);
        sink.answer(r -> HttpsSink.Reply.status(r.body().contains("\"seq\":1") ? 503 : 200));

        rig.append(event("org-1", "call-d", 1, policy));
        rig.append(event("org-1", "call-d", 2, policy));
        assertThat(recorder.nextMatching("attempted")).isEqualTo("attempted org-1/call-d/1 attempt=1 status=503");
        clock.advance(Duration.ofMinutes(11));

        assertThat(recorder.nextMatching("dead")).startsWith("dead org-1/call-d/1 reason=max_age PT10M reached after ");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-d/2 attempt=1");
        rig.writer.flush(WAIT);
        assertThat(rig.text("SELECT status || ' ' || dead_reason FROM delivery WHERE event_id = 1"))
                .startsWith("dead max_age PT10M reached after ");
        assertThat(rig.text("SELECT status FROM delivery WHERE event_id = 2")).isEqualTo("delivered");
    }

    @Test
    void aRedirectIsAFailureNotFollowed() throws Exception {
        sink.answer(r -> new HttpsSink.Reply(r.header("webhook-id") != null && sink.posts().size() < 1 ? 302 : 200,
                Map.of("Location", "https://127.0.0.1:1/elsewhere"), ""));

        rig.append(event("org-1", "call-r", 1, FAST_RETRY));

        assertThat(recorder.nextMatching("attempted")).isEqualTo("attempted org-1/call-r/1 attempt=1 status=302");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-r/1 attempt=2");
    }

    @Test
    void aLongerRetryAfterFromTheReceiverWinsOverTheSchedule() throws Exception {
        sink.answer(r -> sink.posts().isEmpty()
                ? new HttpsSink.Reply(503, Map.of("Retry-After", "1"), "")
                : HttpsSink.Reply.status(200));

        rig.append(event("org-1", "call-ra", 1, FAST_RETRY));

        recorder.nextMatching("delivered");
        List<HttpsSink.Received> posts = sink.posts();
        assertThat(Duration.between(posts.get(0).receivedAt(), posts.get(1).receivedAt()))
                .as("the schedule says 50 ms, the receiver 1 s").isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void goneDisablesTheEndpointLoudlyAndItsLaterEventsAreDeadWithoutAnAttempt() throws Exception {
        ListAppender<ILoggingEvent> lines = capture();
        try {
            sink.answer(r -> HttpsSink.Reply.status(410));
            rig.append(event("org-1", "call-g", 1, FAST_RETRY));
            assertThat(recorder.nextMatching("dead")).isEqualTo("dead org-1/call-g/1 reason=410 Gone: the endpoint is disabled");

            rig.append(event("org-1", "call-h", 1, FAST_RETRY));
            assertThat(recorder.nextMatching("dead")).startsWith("dead org-1/call-h/1 reason=endpoint disabled since ");
            rig.append(event("org-2", "call-i", 1, FAST_RETRY));
            assertThat(recorder.nextMatching("dead")).startsWith("dead org-2/call-i/1 reason=410 Gone");
        } finally {
            detach(lines);
        }
        assertThat(sink.posts()).as("nothing sent to a disabled endpoint").hasSize(2);
        assertThat(messages(lines)).anySatisfy(m -> assertThat(m).startsWith(
                "delivery endpoint disabled org=org-1 url=" + sink.url() + " reason=\"410 Gone\""));
    }

    @Test
    void everyAttemptIsLoggedOnOneLineInTheAgreedShape() throws Exception {
        ListAppender<ILoggingEvent> lines = capture();
        try {
            sink.answerInOrder(500);
            rig.append(event("org-1", "call-log", 7, FAST_RETRY));
            assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-log/7");

            Endpoint nowhere = new Endpoint(URI.create("https://127.0.0.1:" + closedPort() + "/"), caFile, WAIT);
            RetryPolicy once = new RetryPolicy(List.of(Duration.ofHours(2)), Duration.ofHours(1), 0);
            rig.append(PendingEvent.of("org-1", "call-err", 1, "EARLY", new byte[0], nowhere, once));
            assertThat(recorder.nextMatching("dead")).startsWith("dead org-1/call-err/1");
        } finally {
            detach(lines);
        }

        List<String> messages = messages(lines);
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("delivery call_id=call-log seq=7 org=org-1 attempt=1 status=500 ms=\\d+"));
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("delivery call_id=call-log seq=7 org=org-1 attempt=2 status=200 ms=\\d+"));
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("delivery call_id=call-err seq=1 org=org-1 attempt=1 status=error ms=\\d+ error=\"[^\"]+\""));
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("delivery dead call_id=call-err seq=1 org=org-1 attempts=1 age_ms=\\d+ last_status=error "
                        + "reason=\"max_age PT1H reached after 1 attempts, last status error\""));
    }

    @Test
    void aGracefulCloseLetsQueuedEventsGoOut() throws Exception {
        rig.append(event("org-1", "call-c", 1, FAST_RETRY));
        rig.append(event("org-1", "call-c", 2, FAST_RETRY));
        rig.append(event("org-1", "call-e", 1, FAST_RETRY));

        rig.closeGracefully(WAIT);

        assertThat(sink.posts()).hasSize(3);
        assertThat(rig.count("SELECT count(*) FROM delivery WHERE status = 'delivered'")).isEqualTo(3);
    }

    @Test
    void closeGivesUpAfterItsGraceAndTheEventStaysPending() throws Exception {
        sink.answer(r -> {
            try {
                Thread.sleep(3_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HttpsSink.Reply.status(200);
        });
        rig.append(event("org-1", "call-f", 1, FAST_RETRY));
        rig.writer.flush(WAIT);
        Thread.sleep(200); // the attempt is in flight

        assertThat(rig.dispatcher.close(Duration.ofMillis(100))).isFalse();
        assertThat(rig.dispatcher.pendingEvents()).isEqualTo(1);
        rig.writer.flush(WAIT);
        assertThat(rig.count("SELECT count(*) FROM delivery WHERE status = 'pending'")).isEqualTo(1);
    }

    private PendingEvent event(String org, String callId, long seq, RetryPolicy retry) {
        Endpoint endpoint = new Endpoint(sink.url(), caFile, Duration.ofSeconds(10));
        return PendingEvent.of(org, callId, seq, "CONFIRMED", body(callId, seq).getBytes(StandardCharsets.UTF_8),
                endpoint, retry);
    }

    /** The webhook-id of {@link #event}'s event. */
    static String webhookId(String org, String callId, long seq) {
        return WebhookIds.of(org, callId, seq, body(callId, seq).getBytes(StandardCharsets.UTF_8));
    }

    static String body(String callId, long seq) {
        return "{\"call_id\":\"" + callId + "\",\"seq\":" + seq + "}";
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static ListAppender<ILoggingEvent> capture() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        ((Logger) LoggerFactory.getLogger("io.callhook.delivery")).addAppender(lines);
        return lines;
    }

    private static void detach(ListAppender<ILoggingEvent> lines) {
        ((Logger) LoggerFactory.getLogger("io.callhook.delivery")).detachAppender(lines);
    }

    private static List<String> messages(ListAppender<ILoggingEvent> lines) {
        synchronized (lines.list) {
            return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
