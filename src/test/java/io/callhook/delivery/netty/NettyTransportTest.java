package io.callhook.delivery.netty;

import com.sun.net.httpserver.HttpServer;
import io.callhook.delivery.Endpoint;
import io.callhook.delivery.HttpResult;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LocalCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLHandshakeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class NettyTransportTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final byte[] BODY = "{\"state\":\"CONFIRMED\",\"text\":\"grüße\"}".getBytes(StandardCharsets.UTF_8);
    private static final Map<String, String> HEADERS = Map.of(
            "Content-Type", "application/json", "User-Agent", "callhook/test", "webhook-id", "msg_abc");

    @TempDir
    static Path dir;
    private static LocalCertificates certificates;
    private static Path caFile;

    private HttpsSink sink;
    private NettyTransport transport;

    @BeforeAll
    static void makeCertificates() {
        certificates = LocalCertificates.generate();
        caFile = dir.resolve("ca.pem");
        certificates.writeCaPem(caFile);
    }

    @BeforeEach
    void start() {
        sink = HttpsSink.start(certificates);
        transport = new NettyTransport(1, 4, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        transport.close();
        sink.close();
    }

    @Test
    void aPostArrivesWithItsBodyAndHeadersIntact() throws Exception {
        HttpResult result = await(transport.post(new Endpoint(sink.url(), caFile, TIMEOUT), HEADERS, BODY));

        assertThat(result.status()).isEqualTo(200);
        HttpsSink.Received post = sink.awaitPosts(1, TIMEOUT).get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.path()).isEqualTo("/hooks/calls");
        assertThat(post.body()).isEqualTo(new String(BODY, StandardCharsets.UTF_8));
        assertThat(post.header("content-type")).isEqualTo("application/json");
        assertThat(post.header("user-agent")).isEqualTo("callhook/test");
        assertThat(post.header("webhook-id")).isEqualTo("msg_abc");
        assertThat(post.header("content-length")).isEqualTo(Integer.toString(BODY.length));
        assertThat(post.header("host")).isEqualTo("127.0.0.1:" + sink.port());
        assertThat(post.header("connection")).isEqualToIgnoringCase("keep-alive");
    }

    @Test
    void theHostNameIsMatchedAgainstTheCertificatesDnsName() throws Exception {
        HttpResult result = await(transport.post(new Endpoint(sink.localhostUrl(), caFile, TIMEOUT), HEADERS, BODY));

        assertThat(result.status()).isEqualTo(200);
        assertThat(sink.awaitPosts(1, TIMEOUT).get(0).header("host")).isEqualTo("localhost:" + sink.port());
    }

    @Test
    void aServerCertificateFromAnUnknownCaFailsTheAttempt() {
        Throwable failure = failureOf(transport.post(new Endpoint(sink.url(), null, TIMEOUT), HEADERS, BODY));

        assertThat(failure).isInstanceOf(SSLHandshakeException.class);
        assertThat(sink.posts()).isEmpty();
    }

    @Test
    void aCertificateForAnotherHostFailsTheAttempt() throws Exception {
        try (HttpsSink elsewhere = HttpsSink.start(certificates, InetAddress.getByName("127.0.0.2"), Clock.systemUTC())) {
            assertThat(elsewhere.url().getHost()).isEqualTo("127.0.0.2");

            Throwable failure = failureOf(transport.post(new Endpoint(elsewhere.url(), caFile, TIMEOUT), HEADERS, BODY));

            assertThat(failure).isInstanceOf(SSLHandshakeException.class).hasMessageContaining("127.0.0.2");
            assertThat(elsewhere.posts()).isEmpty();
        }
    }

    @Test
    void sequentialPostsReuseOneKeptAliveConnection() throws Exception {
        Endpoint endpoint = new Endpoint(sink.url(), caFile, TIMEOUT);
        for (int i = 0; i < 5; i++) {
            assertThat(await(transport.post(endpoint, HEADERS, BODY)).status()).isEqualTo(200);
        }

        List<HttpsSink.Received> posts = sink.awaitPosts(5, TIMEOUT);
        assertThat(sink.connectionsAccepted()).isEqualTo(1);
        assertThat(posts).extracting(HttpsSink.Received::remote).containsOnly(posts.get(0).remote());
    }

    @Test
    void aConnectionTheServerWantsClosedIsNotReused() throws Exception {
        sink.answer(r -> new HttpsSink.Reply(200, Map.of("Connection", "close"), ""));
        Endpoint endpoint = new Endpoint(sink.url(), caFile, TIMEOUT);

        await(transport.post(endpoint, HEADERS, BODY));
        await(transport.post(endpoint, HEADERS, BODY));

        assertThat(sink.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void anAttemptTimesOutWhenTheServerNeverAnswers() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Endpoint endpoint = new Endpoint(URI.create("https://127.0.0.1:" + silent.port() + "/hooks"), caFile,
                    Duration.ofMillis(300));

            Throwable failure = failureOf(transport.post(endpoint, HEADERS, BODY));

            assertThat(failure).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("within 300 ms")
                    .hasMessageContaining("TLS handshake");
        }
    }

    @Test
    void aPlainHttpAttemptTimesOutWaitingForTheResponse() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Endpoint endpoint = new Endpoint(URI.create("http://127.0.0.1:" + silent.port() + "/hooks"), null,
                    Duration.ofMillis(300));

            Throwable failure = failureOf(transport.post(endpoint, HEADERS, BODY));

            assertThat(failure).isInstanceOf(TimeoutException.class).hasMessageContaining("waiting for the response");
        }
    }

    @Test
    void anOversizedResponseBodyFailsTheAttemptAndTheConnectionIsReplaced() throws Exception {
        sink.answer(r -> new HttpsSink.Reply(200, Map.of(), "x".repeat(100 * 1024)));
        Endpoint endpoint = new Endpoint(sink.url(), caFile, TIMEOUT);

        Throwable failure = failureOf(transport.post(endpoint, HEADERS, BODY));
        sink.answer(r -> HttpsSink.Reply.status(204));
        HttpResult next = await(transport.post(endpoint, HEADERS, BODY));

        assertThat(failure).isInstanceOf(IOException.class).hasMessage("response body larger than 65536 bytes");
        assertThat(next.status()).isEqualTo(204);
        assertThat(sink.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void bytesThatAreNotHttpFailTheAttemptInsteadOfPassingForAStatus() throws Exception {
        byte[] garbage = new byte[512];
        new java.util.Random(7).nextBytes(garbage);
        garbage[0] = 0;
        try (BabblingServer babbling = new BabblingServer(garbage)) {
            Endpoint endpoint = new Endpoint(URI.create("http://127.0.0.1:" + babbling.port() + "/hooks"), null, TIMEOUT);

            Throwable failure = failureOf(transport.post(endpoint, HEADERS, BODY));

            assertThat(failure).isInstanceOf(IOException.class).hasMessageStartingWith("malformed HTTP response: ");
        }
    }

    @Test
    void aResetAfterTheRequestSaysSo() throws Exception {
        try (BabblingServer resetting = new BabblingServer(null)) {
            Endpoint endpoint = new Endpoint(URI.create("http://127.0.0.1:" + resetting.port() + "/hooks"), null, TIMEOUT);

            Throwable failure = failureOf(transport.post(endpoint, HEADERS, BODY));

            assertThat(failure).isInstanceOf(IOException.class)
                    .hasMessage("connection reset by the receiver before the response was complete");
        }
    }

    /** Regression: SslHandler's own 10 s handshake timeout used to fail attempts whose timeout was longer. */
    @Test
    void aTlsHandshakeMayUseTheWholeTimeoutEvenPastTenSeconds() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            Endpoint endpoint = new Endpoint(URI.create("https://127.0.0.1:" + silent.port() + "/hooks"), caFile,
                    Duration.ofSeconds(11));

            Throwable failure = failureOf(transport.post(endpoint, HEADERS, BODY));

            assertThat(failure).isInstanceOf(TimeoutException.class)
                    .hasMessageContaining("within 11000 ms (during the TLS handshake)");
        }
    }

    @Test
    void retryAfterIsReportedWithTheStatus() throws Exception {
        sink.answer(r -> new HttpsSink.Reply(503, Map.of("Retry-After", "7"), ""));

        HttpResult result = await(transport.post(new Endpoint(sink.url(), caFile, TIMEOUT), HEADERS, BODY));

        assertThat(result.status()).isEqualTo(503);
        assertThat(result.isSuccess()).isFalse();
        assertThat(result.retryAfter()).contains(Duration.ofSeconds(7));
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        sink.answer(r -> r.path().equals("/hooks/calls")
                ? new HttpsSink.Reply(302, Map.of("Location", "/elsewhere"), "")
                : HttpsSink.Reply.status(200));

        HttpResult result = await(transport.post(new Endpoint(sink.url(), caFile, TIMEOUT), HEADERS, BODY));

        assertThat(result.status()).isEqualTo(302);
        assertThat(sink.posts()).hasSize(1);
    }

    @Test
    void plainHttpWorksWhenTheUrlAsksForIt() throws Exception {
        HttpServer plain = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        List<String> bodies = new ArrayList<>();
        plain.createContext("/", exchange -> {
            try (exchange) {
                synchronized (bodies) {
                    bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                }
                exchange.sendResponseHeaders(202, -1);
            }
        });
        plain.start();
        try {
            URI url = URI.create("http://127.0.0.1:" + plain.getAddress().getPort() + "/hooks?x=1");

            HttpResult result = await(transport.post(new Endpoint(url, null, TIMEOUT), HEADERS, BODY));

            assertThat(result.status()).isEqualTo(202);
            synchronized (bodies) {
                assertThat(bodies).containsExactly(new String(BODY, StandardCharsets.UTF_8));
            }
        } finally {
            plain.stop(0);
        }
    }

    @Test
    void aRefusedConnectionFailsTheAttempt() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }

        Throwable failure = failureOf(transport.post(
                new Endpoint(URI.create("https://127.0.0.1:" + port + "/"), caFile, TIMEOUT), HEADERS, BODY));

        assertThat(failure).isInstanceOf(IOException.class);
    }

    @Test
    void anUnreadableCaFileFailsTheAttemptAndSaysWhichFile() {
        Path missing = dir.resolve("missing.pem");

        Throwable failure = failureOf(transport.post(new Endpoint(sink.url(), missing, TIMEOUT), HEADERS, BODY));

        assertThat(failure).hasMessageContaining("missing.pem");
    }

    @Test
    void closingTheTransportFailsAttemptsStillWaiting() throws Exception {
        try (SilentServer silent = new SilentServer()) {
            CompletableFuture<HttpResult> pending = transport.post(
                    new Endpoint(URI.create("http://127.0.0.1:" + silent.port() + "/"), null, Duration.ofMinutes(5)),
                    HEADERS, BODY);

            transport.close();

            assertThat(failureOf(pending)).hasMessage("transport closed");
            assertThat(failureOf(transport.post(new Endpoint(sink.url(), caFile, TIMEOUT), HEADERS, BODY)))
                    .hasMessage("transport is closed");
        }
    }

    private static HttpResult await(CompletableFuture<HttpResult> future) throws Exception {
        return future.get(30, TimeUnit.SECONDS);
    }

    private static Throwable failureOf(CompletableFuture<HttpResult> future) {
        try {
            HttpResult result = future.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected the attempt to fail, got " + result);
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("the attempt neither succeeded nor failed", e);
        }
    }

    /**
     * Reads the first bytes of a request, then answers with {@code reply} and closes, or, with a null
     * reply, resets the connection (SO_LINGER 0). One connection at a time.
     */
    private static final class BabblingServer implements AutoCloseable {
        private final ServerSocket server;

        BabblingServer(byte[] reply) throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket s = server.accept()) {
                        s.getInputStream().read(new byte[4096]);
                        if (reply == null) {
                            s.setSoLinger(true, 0);
                        } else {
                            s.getOutputStream().write(reply);
                            s.getOutputStream().flush();
                        }
                    } catch (IOException e) {
                        // closed, or the client went away
                    }
                }
            }, "babbling-server");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Accepts TCP connections and never says a word. */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new ArrayList<>();
        private final Thread acceptor;

        SilentServer() throws IOException {
            server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
            acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = server.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (IOException closed) {
                    // server closed
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }
}
