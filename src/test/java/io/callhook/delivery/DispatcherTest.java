package io.callhook.delivery;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.callhook.delivery.netty.NettyTransport;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LocalCertificates;
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
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class DispatcherTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final RetryPolicy FAST_RETRY = new RetryPolicy(List.of(Duration.ofMillis(50)), Duration.ofHours(1), 0);

    @TempDir
    static Path dir;
    private static LocalCertificates certificates;
    private static Path caFile;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T12:00:00Z"));
    private final Recorder recorder = new Recorder();
    private HttpsSink sink;
    private NettyTransport transport;
    private Dispatcher dispatcher;

    @BeforeAll
    static void makeCertificates() {
        certificates = LocalCertificates.generate();
        caFile = dir.resolve("ca.pem");
        certificates.writeCaPem(caFile);
    }

    @BeforeEach
    void start() {
        sink = HttpsSink.start(certificates);
        transport = new NettyTransport(1, 8, clock);
        dispatcher = new Dispatcher(transport, clock, recorder, () -> 0.5);
    }

    @AfterEach
    void stop() {
        dispatcher.close(Duration.ZERO);
        transport.close();
        sink.close();
    }

    @Test
    void eventsOfOneCallArriveInSeqOrderWhileTheFirstIsRetried() throws Exception {
        sink.answerInOrder(503);

        dispatcher.submit(event("org-1", "call-a", 1, FAST_RETRY));
        dispatcher.submit(event("org-1", "call-a", 2, FAST_RETRY));
        dispatcher.submit(event("org-1", "call-a", 3, FAST_RETRY));

        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-a/1 attempt=2");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-a/2 attempt=1");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-a/3 attempt=1");
        List<HttpsSink.Received> posts = sink.awaitPosts(4, WAIT);
        assertThat(posts).extracting(HttpsSink.Received::body)
                .containsExactly(body("call-a", 1), body("call-a", 1), body("call-a", 2), body("call-a", 3));
        assertThat(posts.get(0).header("webhook-id")).isEqualTo(posts.get(1).header("webhook-id"))
                .isEqualTo(WebhookIds.of("org-1", "call-a", 1));
        assertThat(posts.get(2).header("webhook-id")).isEqualTo(WebhookIds.of("org-1", "call-a", 2));
        assertThat(dispatcher.inFlightCalls()).isZero();
        assertThat(dispatcher.pendingEvents()).isZero();
    }

    @Test
    void everyPostCarriesTheDeliveryHeaders() {
        dispatcher.submit(event("org-1", "call-h", 1, FAST_RETRY));

        HttpsSink.Received post = sink.awaitPosts(1, WAIT).get(0);
        assertThat(post.header("content-type")).isEqualTo("application/json");
        assertThat(post.header("user-agent")).isEqualTo("callhook/dev");
        assertThat(post.header("webhook-id")).isEqualTo(WebhookIds.of("org-1", "call-h", 1));
    }

    @Test
    void aFailingCallDoesNotHoldUpAnotherCall() throws Exception {
        sink.answer(r -> HttpsSink.Reply.status(r.body().contains("call-a") ? 503 : 200));

        dispatcher.submit(event("org-1", "call-a", 1, FAST_RETRY));
        dispatcher.submit(event("org-1", "call-b", 1, FAST_RETRY));
        dispatcher.submit(event("org-1", "call-b", 2, FAST_RETRY));

        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-b/1 attempt=1");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-b/2 attempt=1");
        assertThat(dispatcher.inFlightCalls()).isEqualTo(1);

        sink.answer(r -> HttpsSink.Reply.status(200));
        assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-a/1 attempt=");
        assertThat(dispatcher.inFlightCalls()).isZero();
    }

    @Test
    void manyCallsAreDeliveredConcurrentlyInOrderOverABoundedSetOfConnections() throws Exception {
        int calls = 40;
        for (int seq = 1; seq <= 3; seq++) {
            for (int c = 0; c < calls; c++) {
                dispatcher.submit(event("org-1", "call-" + c, seq, FAST_RETRY));
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
        assertThat(dispatcher.inFlightCalls()).isZero();
    }

    @Test
    void theSameCallIdInAnotherOrganizationIsAnotherLane() throws Exception {
        sink.answer(r -> HttpsSink.Reply.status(r.header("webhook-id").equals(WebhookIds.of("org-1", "shared", 1)) ? 500 : 200));

        dispatcher.submit(event("org-1", "shared", 1, FAST_RETRY));
        dispatcher.submit(event("org-2", "shared", 1, FAST_RETRY));

        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-2/shared/1 attempt=1");
        assertThat(dispatcher.inFlightCalls()).isEqualTo(1);
    }

    @Test
    void anEventIsDeadAfterItsMaxAgeAndTheLaneMovesOn() throws Exception {
        RetryPolicy policy = new RetryPolicy(List.of(Duration.ofMillis(20)), Duration.ofMinutes(10), 0);
        sink.answer(r -> HttpsSink.Reply.status(r.body().contains("\"seq\":1") ? 503 : 200));

        dispatcher.submit(event("org-1", "call-d", 1, policy));
        dispatcher.submit(event("org-1", "call-d", 2, policy));
        assertThat(recorder.nextMatching("attempted")).isEqualTo("attempted org-1/call-d/1 attempt=1 status=503");
        clock.advance(Duration.ofMinutes(11));

        assertThat(recorder.nextMatching("dead")).startsWith("dead org-1/call-d/1 attempt=");
        assertThat(recorder.nextMatching("delivered")).isEqualTo("delivered org-1/call-d/2 attempt=1");
        List<HttpsSink.Received> posts = sink.posts();
        assertThat(posts.get(posts.size() - 1).body()).isEqualTo(body("call-d", 2));
        assertThat(posts.subList(0, posts.size() - 1)).extracting(HttpsSink.Received::body)
                .containsOnly(body("call-d", 1));
        assertThat(dispatcher.inFlightCalls()).isZero();
    }

    @Test
    void everyAttemptIsLoggedOnOneLineInTheAgreedShape() throws Exception {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        Logger logger = (Logger) LoggerFactory.getLogger("io.callhook.delivery");
        lines.start();
        logger.addAppender(lines);
        try {
            sink.answerInOrder(500);
            dispatcher.submit(event("org-1", "call-log", 7, FAST_RETRY));
            assertThat(recorder.nextMatching("delivered")).startsWith("delivered org-1/call-log/7");

            int refusedPort = closedPort();
            Endpoint nowhere = new Endpoint(URI.create("https://127.0.0.1:" + refusedPort + "/"), caFile, WAIT);
            RetryPolicy once = new RetryPolicy(List.of(Duration.ofHours(2)), Duration.ofHours(1), 0);
            dispatcher.submit(PendingEvent.of("org-1", "call-err", 1, "EARLY", new byte[0], nowhere, once));
            assertThat(recorder.nextMatching("dead")).startsWith("dead org-1/call-err/1");
        } finally {
            logger.detachAppender(lines);
        }

        List<String> messages;
        synchronized (lines.list) {
            messages = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("delivery call_id=call-log seq=7 org=org-1 attempt=1 status=500 ms=\\d+"));
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("delivery call_id=call-log seq=7 org=org-1 attempt=2 status=200 ms=\\d+"));
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("delivery call_id=call-err seq=1 org=org-1 attempt=1 status=error ms=\\d+ error=\"[^\"]+\""));
        assertThat(messages).anySatisfy(m -> assertThat(m)
                .matches("delivery dead call_id=call-err seq=1 org=org-1 attempts=1 age_ms=\\d+ last_status=error"));
    }

    @Test
    void closeWaitsForQueuedEventsThenRefusesNewOnes() {
        dispatcher.submit(event("org-1", "call-c", 1, FAST_RETRY));
        dispatcher.submit(event("org-1", "call-c", 2, FAST_RETRY));
        dispatcher.submit(event("org-1", "call-e", 1, FAST_RETRY));

        assertThat(dispatcher.close(WAIT)).isTrue();
        dispatcher.submit(event("org-1", "call-c", 3, FAST_RETRY));

        assertThat(sink.posts()).hasSize(3);
        assertThat(dispatcher.pendingEvents()).isZero();
        assertThat(dispatcher.inFlightCalls()).isZero();
    }

    @Test
    void closeGivesUpAfterItsGraceWhenAReceiverKeepsFailing() {
        sink.answer(r -> HttpsSink.Reply.status(503));
        dispatcher.submit(event("org-1", "call-f", 1, FAST_RETRY));
        sink.awaitPosts(1, WAIT);

        assertThat(dispatcher.close(Duration.ofMillis(100))).isFalse();
        assertThat(dispatcher.pendingEvents()).isEqualTo(1);
    }

    private PendingEvent event(String org, String callId, long seq, RetryPolicy retry) {
        Endpoint endpoint = new Endpoint(sink.url(), caFile, Duration.ofSeconds(10));
        return PendingEvent.of(org, callId, seq, "CONFIRMED", body(callId, seq).getBytes(StandardCharsets.UTF_8),
                endpoint, retry);
    }

    private static String body(String callId, long seq) {
        return "{\"call_id\":\"" + callId + "\",\"seq\":" + seq + "}";
    }

    private static int closedPort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Turns listener calls into lines the test can wait for, in the order they happened. */
    private static final class Recorder implements DeliveryListener {
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        @Override
        public void attempted(PendingEvent e, Attempt a) {
            lines.add("attempted " + name(e) + " attempt=" + a.number() + " status=" + a.status());
        }

        @Override
        public void delivered(PendingEvent e, Attempt a) {
            lines.add("delivered " + name(e) + " attempt=" + a.number());
        }

        @Override
        public void dead(PendingEvent e, Attempt a) {
            lines.add("dead " + name(e) + " attempt=" + a.number());
        }

        /** Waits for the next line starting with {@code prefix}, skipping others. */
        String nextMatching(String prefix) throws InterruptedException {
            String line = poll();
            while (!line.startsWith(prefix)) {
                line = poll();
            }
            return line;
        }

        private String poll() throws InterruptedException {
            String line = lines.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                throw new AssertionError("nothing was delivered within " + WAIT);
            }
            return line;
        }

        private static String name(PendingEvent e) {
            return e.organizationId() + "/" + e.callId() + "/" + e.seqNum();
        }
    }
}
