package io.callhook.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A real HTTPS webhook receiver on loopback, for the demo command and the end-to-end tests: it
 * records every POST in arrival order and answers with a status chosen per request (200 unless
 * told otherwise).
 *
 * <p>It serves the {@link LocalCertificates} server certificate through the JDK's built-in
 * {@link HttpsServer}, so clients must verify it properly (trust the demo CA, match the host). It
 * counts the TCP connections it accepts, so tests can prove that a client keeps connections alive.
 *
 * <p>Threading: requests are handled on two daemon threads; every public method is thread-safe.
 * The responder is called on a request thread and must not block for long.
 */
public final class HttpsSink implements AutoCloseable {

    /** The path {@link #url()} points at; the sink accepts POSTs on any path. */
    public static final String PATH = "/hooks/calls";

    /**
     * One request as received.
     *
     * @param headers    every header, keyed case-insensitively
     * @param body       decoded as UTF-8
     * @param receivedAt when the body had been read
     * @param remote     the client's address and port (one port per connection)
     */
    public record Received(String method, String path, Map<String, List<String>> headers, String body,
                           Instant receivedAt, InetSocketAddress remote) {

        /** The first value of a header, ignoring case, or null. */
        public String header(String name) {
            List<String> values = headers.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** What to answer: status, extra headers, body (may be empty). */
    public record Reply(int status, Map<String, String> headers, String body) {

        public Reply {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(body, "body");
        }

        public static Reply status(int status) {
            return new Reply(status, Map.of(), "");
        }
    }

    private final HttpsServer server;
    private final ExecutorService executor;
    private final Clock clock;
    private final List<Received> posts = new ArrayList<>(); // guarded by itself
    private final AtomicInteger connections = new AtomicInteger();
    private volatile Function<Received, Reply> responder = r -> Reply.status(200);

    private HttpsSink(HttpsServer server, ExecutorService executor, Clock clock) {
        this.server = server;
        this.executor = executor;
        this.clock = clock;
    }

    /** Starts a sink on 127.0.0.1, on a free port. */
    public static HttpsSink start(LocalCertificates certificates) {
        return start(certificates, InetAddress.getLoopbackAddress(), Clock.systemUTC());
    }

    /**
     * Starts a sink on {@code address}, on a free port.
     *
     * @param clock stamps {@link Received#receivedAt()}
     */
    public static HttpsSink start(LocalCertificates certificates, InetAddress address, Clock clock) {
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "https-sink");
            t.setDaemon(true);
            return t;
        });
        try {
            HttpsServer server = HttpsServer.create(new InetSocketAddress(address, 0), 50);
            HttpsSink sink = new HttpsSink(server, executor, clock);
            server.setHttpsConfigurator(sink.new CountingConfigurator(certificates));
            server.setExecutor(executor);
            server.createContext("/", sink::handle);
            server.start();
            return sink;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot start the HTTPS sink on " + address + ": " + e.getMessage(), e);
        }
    }

    /** Answers every following request with what {@code responder} returns for it. */
    public void answer(Function<Received, Reply> responder) {
        this.responder = Objects.requireNonNull(responder, "responder");
    }

    /** Answers the next requests with these statuses, one each, then 200 again. */
    public void answerInOrder(int... statuses) {
        Queue<Integer> queue = new ArrayDeque<>();
        for (int s : statuses) {
            queue.add(s);
        }
        answer(r -> {
            synchronized (queue) {
                Integer next = queue.poll();
                return Reply.status(next == null ? 200 : next);
            }
        });
    }

    /** {@code https://<bound address>:<port>/hooks/calls}, e.g. {@code https://127.0.0.1:43123/hooks/calls}. */
    public URI url() {
        return URI.create("https://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + PATH);
    }

    /** {@code https://localhost:<port>/hooks/calls}; reaches the sink when it is bound to 127.0.0.1. */
    public URI localhostUrl() {
        return URI.create("https://localhost:" + port() + PATH);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The POSTs received so far, in arrival order (a copy). */
    public List<Received> posts() {
        synchronized (posts) {
            return List.copyOf(posts);
        }
    }

    /**
     * Waits until at least {@code n} POSTs have arrived.
     *
     * @return all POSTs received so far, in arrival order
     * @throws IllegalStateException when fewer than {@code n} arrived within {@code timeout}
     */
    public List<Received> awaitPosts(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (posts) {
            while (posts.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("expected " + n + " POSTs within " + timeout + ", got "
                            + posts.size());
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(posts, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + n + " POSTs", e);
                }
            }
            return List.copyOf(posts);
        }
    }

    /** TCP connections accepted so far (each TLS session set-up counts one, failed ones included). */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Stops listening and drops open connections at once. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name, List.copyOf(values)));
            Received received = new Received(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    headers, new String(body, StandardCharsets.UTF_8), clock.instant(), exchange.getRemoteAddress());
            Reply reply = responder.apply(received);
            synchronized (posts) {
                posts.add(received);
                posts.notifyAll();
            }
            reply.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
            byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
            if (out.length > 0) {
                exchange.getResponseBody().write(out);
            }
        }
    }

    /** Applies the server certificate; called by the JDK once per accepted connection, so it counts them. */
    private final class CountingConfigurator extends HttpsConfigurator {

        CountingConfigurator(LocalCertificates certificates) {
            super(certificates.serverSslContext());
        }

        @Override
        public void configure(HttpsParameters params) {
            connections.incrementAndGet();
            super.configure(params);
        }
    }
}
