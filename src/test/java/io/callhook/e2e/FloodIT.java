package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LocalCertificates;
import io.callhook.demo.LoopbackRig;
import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 6/7: floods against callhook as an operator runs it (the jar in its own JVM, {@code -Xmx256m},
 * default {@code sip.limits}), on loopback, bounded in time (each flood {@value #FLOOD_SECONDS} s)
 * and count. While one source floods, a trusted peer keeps placing normal calls (caller → proxy →
 * device, three webhooks each). The heap is read from {@code /metrics} every 250 ms.
 *
 * <ol>
 *   <li>An untrusted source (127.0.0.2) floods INVITEs and garbage datagrams: its burst reaches
 *       access control, it gets one 503 per Retry-After, the rest is dropped; the other source's
 *       calls are served throughout.</li>
 *   <li>A trusted source floods INVITEs that the proxy forwards upstream (answered 200 at once), at
 *       several times what the proxy can forward: past {@code max_queue_delay} new INVITEs get 503
 *       and the proxy stays up instead of collapsing.</li>
 * </ol>
 * After each, a normal call completes with its webhooks within a few seconds. The numbers are
 * printed ({@code flood:} lines in the test output).
 */
class FloodIT {

    static final int FLOOD_SECONDS = 10;
    static final Duration WAIT = Duration.ofSeconds(10);
    static final long XMX = 256L << 20;
    static final String DIRECTORY = """
            organizations:
              - id: seteratesting
                default_region: FI
                webhook:
                  url: %s
                  ca_file: %s
                  timeout: 5s
                users:
                  - user_id: setera.test@seteratesting.fi
                    numbers: ["+358942721234"]
                    devices:
                      - { type: SOFT, aor: "sip:setera.test@seteratesting.fi", contact: "sip:127.0.0.1:%d" }
            """;

    @TempDir
    Path work;
    HttpsSink sink;
    ChildCallhook callhook;
    SimplePhone device;
    SimplePhone caller;
    AnsweringUpstream upstream;
    int proxyPort;
    int adminPort;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeEach
    void start() throws Exception {
        LocalCertificates certificates = LocalCertificates.generate();
        Path caFile = work.resolve("ca.pem");
        certificates.writeCaPem(caFile);
        sink = HttpsSink.start(certificates);
        int devicePort = FreePorts.udpAndTcp();
        upstream = new AnsweringUpstream(FreePorts.udpAndTcp());
        proxyPort = FreePorts.udpAndTcp();
        adminPort = FreePorts.udpAndTcp();
        Path directory = work.resolve("directory.yaml");
        Files.writeString(directory, DIRECTORY.formatted(sink.url(), caFile, devicePort));
        Path config = work.resolve("callhook.yaml");
        Files.writeString(config, "sip:\n"
                + "  listen: [\"udp:127.0.0.1:" + proxyPort + "\", \"tcp:127.0.0.1:" + proxyPort + "\"]\n"
                + "  upstream: \"sip:127.0.0.1:" + upstream.port() + "\"\n"
                + "  trusted_peers: [\"127.0.0.1/32\"]\n"
                + "directory:\n  file: " + directory + "\n"
                + "outbox:\n  path: " + work.resolve("outbox.db") + "\n"
                + "admin:\n  listen: \"127.0.0.1:" + adminPort + "\"\n");
        callhook = ChildCallhook.start(config, work.resolve("callhook.log"));
        String proxy = LoopbackRig.HOST + ":" + proxyPort;
        device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, proxy);
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), proxy);
        warmUp();
    }

    /**
     * A service in production is warm; a JVM just started runs its first seconds interpreted and
     * would be measured, not the limits. Ten calls, then a second of both floods at a tenth of
     * their rate, then a pause for the queue to drain.
     */
    private void warmUp() throws Exception {
        for (int i = 0; i < 10; i++) {
            callWithWebhooks(WAIT);
        }
        try (DatagramSocket untrusted = new DatagramSocket(new InetSocketAddress(LoopbackRig.UNTRUSTED_HOST, 0));
             DatagramSocket trusted = new DatagramSocket(new InetSocketAddress(LoopbackRig.HOST, 0))) {
            String a = LoopbackRig.UNTRUSTED_HOST + ":" + untrusted.getLocalPort();
            String b = LoopbackRig.HOST + ":" + trusted.getLocalPort();
            Flood one = new Flood(untrusted, proxyPort, 500, i -> invite("sip:+358942721234@127.0.0.1", a, "w" + i), 1);
            Flood two = new Flood(trusted, proxyPort, 400, i -> invite("sip:+358409999999@127.0.0.1", b, "v" + i), 1);
            one.start();
            two.start();
            one.join();
            two.join();
        }
        Thread.sleep(2000);
    }

    @AfterEach
    void stop(org.junit.jupiter.api.TestInfo test) throws IOException {
        Path log = work.resolve("callhook.log");
        if (Files.exists(log)) { // kept for reading the run: target/flood-<test>.log
            Files.copy(log, Path.of("target", "flood-" + test.getTestMethod().orElseThrow().getName() + ".log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        for (AutoCloseable c : new AutoCloseable[] {caller, device, callhook, upstream, sink}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void anUntrustedSourceFloodingIsDroppedWhileAnotherSourcesCallsAreServed() throws Exception {
        HeapWatch heap = new HeapWatch();
        heap.start();
        String target = "sip:+358942721234@127.0.0.1:" + proxyPort;
        Flood invites;
        Flood garbage;
        Calls during;
        try (DatagramSocket flooder = new DatagramSocket(new InetSocketAddress(LoopbackRig.UNTRUSTED_HOST, 0))) {
            String host = LoopbackRig.UNTRUSTED_HOST + ":" + flooder.getLocalPort();
            invites = new Flood(flooder, proxyPort, 5_000, i -> invite(target, host, "u" + i));
            Random random = new Random(6);
            garbage = new Flood(flooder, proxyPort, 1_000, i -> garbage(random, i));
            invites.start();
            garbage.start();
            during = placeCallsWhile(invites);
            garbage.join();
        }
        boolean afterOk = oneCallCompletesWithItsWebhooks();
        heap.stopWatching();
        long unread = (long) metric("callhook_sip_limited{limit=\"per_source_packets\"}");
        long limited = (long) metric("callhook_sip_limited{limit=\"per_source_rate\"}");

        report("untrusted flood", invites, garbage, during, heap, afterOk,
                "per_source_packets=" + unread + " per_source_rate=" + limited);
        assertThat(invites.sent.sum()).as("the flood happened").isGreaterThan(10_000);
        assertThat(invites.responses()).as("the flooder was answered at most its rate (407s) plus one 503 per "
                + "Retry-After; the rest dropped").isLessThan(20 + 40 + 20L * (FLOOD_SECONDS + 5));
        assertThat(invites.byStatus).containsKey(503);
        assertThat(unread + limited).as("dropped by the per-source limits")
                .isGreaterThan((invites.sent.sum() + garbage.sent.sum()) / 2);
        assertThat(during.attempted.get()).isGreaterThanOrEqualTo(5);
        assertThat(during.completed.get()).as("the other source's calls during the flood")
                .isEqualTo(during.attempted.get());
        assertThat(afterOk).as("a call after the flood, with its webhooks").isTrue();
        assertThat(heap.maxBytes.get()).isLessThan(XMX * 9 / 10);
        assertThat(callhook.tail()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void aTrustedPeerFloodingPastCapacityGets503sAndTheProxyRecovers() throws Exception {
        HeapWatch heap = new HeapWatch();
        heap.start();
        String target = "sip:+358409999999@127.0.0.1:" + proxyPort; // not local: forwarded upstream
        Flood invites;
        Calls during;
        try (DatagramSocket flooder = new DatagramSocket(new InetSocketAddress(LoopbackRig.HOST, 0))) {
            String host = LoopbackRig.HOST + ":" + flooder.getLocalPort();
            invites = new Flood(flooder, proxyPort, 4_000, i -> invite(target, host, "t" + i));
            invites.start();
            during = placeCallsWhile(invites);
        }
        boolean afterOk = oneCallCompletesWithItsWebhooks();
        heap.stopWatching();
        long queueDelay = (long) metric("callhook_sip_limited{limit=\"max_queue_delay\"}");
        long queueFull = (long) metric("callhook_sip_limited{limit=\"udp_queue\"}");
        long shed = (long) metric("callhook_sip_limited{limit=\"overload_shed\"}");

        report("trusted overload", invites, null, during, heap, afterOk,
                "max_queue_delay=" + queueDelay + " overload_shed=" + shed + " udp_queue_drops=" + queueFull + " upstream_invites="
                        + upstream.invites.sum());
        assertThat(invites.sent.sum()).as("the flood happened").isGreaterThan(10_000);
        assertThat(invites.byStatus.getOrDefault(503, new LongAdder()).sum() + shed + queueFull)
                .as("past capacity the proxy refused (503) or shed (full queue) instead of queueing without end")
                .isGreaterThan(0);
        assertThat(afterOk).as("a call after the flood, with its webhooks").isTrue();
        assertThat(heap.maxBytes.get()).isLessThan(XMX * 9 / 10);
        assertThat(callhook.tail()).doesNotContain("OutOfMemoryError");
    }

    // ----------------------------------------------------------------------------------------

    /** Normal calls one after another (answer, hang up, three webhooks) for as long as {@code flood} runs. */
    private Calls placeCallsWhile(Flood flood) throws Exception {
        Calls calls = new Calls();
        while (flood.isAlive()) {
            calls.attempted.incrementAndGet();
            if (callWithWebhooks(WAIT)) {
                calls.completed.incrementAndGet();
            }
            Thread.sleep(200);
        }
        flood.join();
        return calls;
    }

    private boolean oneCallCompletesWithItsWebhooks() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (callWithWebhooks(WAIT)) {
                return true;
            }
        }
        return false;
    }

    /** caller → proxy → device, answered and hung up; true when all went through and the 3 events were POSTed. */
    private boolean callWithWebhooks(Duration wait) throws Exception {
        PhoneCall call = caller.call("sip:+358942721234@127.0.0.1:" + proxyPort, "sip:+358409401234@127.0.0.1");
        if (!call.awaitAnswered(wait)) {
            return false;
        }
        call.hangup();
        if (!call.awaitEnded(wait)) {
            return false;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < deadline) {
            long events = sink.posts().stream().filter(p -> p.body().contains(call.callId())).count();
            if (events >= 3) {
                return true;
            }
            Thread.sleep(50);
        }
        return false;
    }

    private static byte[] invite(String uri, String hostPort, String id) {
        return ("INVITE " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + hostPort + ";branch=z9hG4bK-flood-" + id + "\r\n"
                + "Max-Forwards: 70\r\n"
                + "From: <sip:+358401111111@" + hostPort + ">;tag=f" + id + "\r\n"
                + "To: <" + uri + ">\r\n"
                + "Call-ID: flood-" + id + "@" + hostPort + "\r\n"
                + "CSeq: 1 INVITE\r\n"
                + "Contact: <sip:flood@" + hostPort + ">\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Noise, half-SIP and binary, up to 1,400 bytes. */
    private static byte[] garbage(Random random, int i) {
        if (i % 2 == 0) {
            byte[] b = new byte[1 + random.nextInt(1400)];
            random.nextBytes(b);
            return b;
        }
        return ("INVITE sip:x SIP/2.0\r\nVia: SIP/2.0/UDP ;;;\r\nCSeq: x\r\nContent-Length: 99999\r\n\r\n" + i)
                .getBytes(StandardCharsets.UTF_8);
    }

    private void report(String what, Flood invites, Flood garbage, Calls during, HeapWatch heap, boolean afterOk,
                        String limits) {
        System.out.printf("flood: %s: INVITEs sent %d in %.1f s (%.0f/s)%s; flooder got %s; calls during %d/%d; "
                        + "after: %s; heap max %d MB, last %d MB (%d samples); %s%n",
                what, invites.sent.sum(), invites.seconds(), invites.sent.sum() / invites.seconds(),
                garbage == null ? "" : String.format(", garbage %d (%.0f/s)", garbage.sent.sum(),
                        garbage.sent.sum() / garbage.seconds()),
                invites.byStatus, during.completed.get(), during.attempted.get(), afterOk ? "ok" : "FAILED",
                heap.maxBytes.get() >> 20, heap.lastBytes.get() >> 20, heap.samples.get(), limits);
    }

    private double metric(String series) throws Exception {
        String body = get("http://127.0.0.1:" + adminPort + "/metrics");
        Double v = AdminEndpointsIT.valueOrNull(body, series);
        assertThat(v).as("%s in /metrics", series).isNotNull();
        return v;
    }

    private String get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    static final class Calls {
        final java.util.concurrent.atomic.AtomicInteger attempted = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();
    }

    /** Sends {@code perSecond} datagrams for {@value #FLOOD_SECONDS} s (paced per millisecond), counting the answers. */
    static final class Flood extends Thread {
        final DatagramSocket socket;
        final int port;
        final int perSecond;
        final IntFunction<byte[]> message;
        final LongAdder sent = new LongAdder();
        final Map<Integer, LongAdder> byStatus = new ConcurrentHashMap<>();
        volatile long startedAt;
        volatile long endedAt;
        private final Thread reader;

        final int seconds;

        Flood(DatagramSocket socket, int port, int perSecond, IntFunction<byte[]> message) {
            this(socket, port, perSecond, message, FLOOD_SECONDS);
        }

        Flood(DatagramSocket socket, int port, int perSecond, IntFunction<byte[]> message, int seconds) {
            super("flood");
            setDaemon(true);
            this.socket = socket;
            this.port = port;
            this.perSecond = perSecond;
            this.message = message;
            this.seconds = seconds;
            this.reader = new Thread(this::read, "flood-reader");
            this.reader.setDaemon(true);
        }

        @Override
        public void run() {
            reader.start();
            startedAt = System.nanoTime();
            long end = startedAt + seconds * 1_000_000_000L;
            int i = 0;
            InetAddress proxy = InetAddress.getLoopbackAddress();
            try {
                while (System.nanoTime() < end) {
                    long due = (System.nanoTime() - startedAt) * perSecond / 1_000_000_000L;
                    while (i < due) {
                        byte[] b = message.apply(i++);
                        socket.send(new DatagramPacket(b, b.length, proxy, port));
                        sent.increment();
                    }
                    Thread.sleep(1);
                }
            } catch (IOException | InterruptedException e) {
                // the socket closed: over
            } finally {
                endedAt = System.nanoTime();
            }
        }

        private void read() {
            byte[] buffer = new byte[65_535];
            try {
                socket.setSoTimeout(0);
                while (true) {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    socket.receive(p);
                    String s = new String(p.getData(), 0, Math.min(p.getLength(), 12), StandardCharsets.US_ASCII);
                    if (s.startsWith("SIP/2.0 ") && s.length() >= 11) {
                        byStatus.computeIfAbsent(Integer.parseInt(s.substring(8, 11)), k -> new LongAdder()).increment();
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // closed: over
            }
        }

        long responses() {
            return byStatus.entrySet().stream().filter(e -> e.getKey() >= 200).mapToLong(e -> e.getValue().sum()).sum();
        }

        double seconds() {
            return Math.max(1e-3, (endedAt - startedAt) / 1e9);
        }
    }

    /** The upstream: answers every INVITE 200 at once (so no transaction lingers), nothing else. */
    static final class AnsweringUpstream implements AutoCloseable {
        private static final Pattern KEEP = Pattern.compile("^(Via|v|From|f|To|t|Call-ID|i|CSeq):.*$",
                Pattern.CASE_INSENSITIVE | Pattern.MULTILINE);
        final DatagramSocket socket;
        final LongAdder invites = new LongAdder();

        AnsweringUpstream(int port) throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress(LoopbackRig.HOST, port));
            Thread t = new Thread(this::serve, "answering-upstream");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return socket.getLocalPort();
        }

        private void serve() {
            byte[] buffer = new byte[65_535];
            try {
                while (true) {
                    DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                    socket.receive(p);
                    String request = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                    if (!request.startsWith("INVITE ")) {
                        continue;
                    }
                    invites.increment();
                    StringBuilder ok = new StringBuilder("SIP/2.0 200 OK\r\n");
                    Matcher m = KEEP.matcher(request.substring(0, request.indexOf("\r\n\r\n") + 2));
                    while (m.find()) {
                        String line = m.group().strip();
                        boolean to = line.regionMatches(true, 0, "To:", 0, 3) || line.regionMatches(true, 0, "t:", 0, 2);
                        ok.append(line).append(to && !line.contains(";tag=") ? ";tag=up" : "").append("\r\n");
                    }
                    ok.append("Contact: <sip:up@127.0.0.1:").append(port()).append(">\r\nContent-Length: 0\r\n\r\n");
                    byte[] bytes = ok.toString().getBytes(StandardCharsets.UTF_8);
                    socket.send(new DatagramPacket(bytes, bytes.length, p.getSocketAddress()));
                }
            } catch (IOException e) {
                // closed: over
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** Polls the child's heap from /metrics every 250 ms (the sum of the heap pools' used bytes). */
    final class HeapWatch extends Thread {
        final AtomicLong maxBytes = new AtomicLong();
        final AtomicLong lastBytes = new AtomicLong();
        final AtomicLong samples = new AtomicLong();
        private final AtomicBoolean running = new AtomicBoolean(true);

        HeapWatch() {
            super("heap-watch");
            setDaemon(true);
        }

        @Override
        public void run() {
            Pattern used = Pattern.compile("^jvm_memory_used_bytes\\{area=\"heap\",[^}]*} (\\S+)$", Pattern.MULTILINE);
            while (running.get()) {
                try {
                    Matcher m = used.matcher(get("http://127.0.0.1:" + adminPort + "/metrics"));
                    long sum = 0;
                    while (m.find()) {
                        sum += (long) Double.parseDouble(m.group(1));
                    }
                    lastBytes.set(sum);
                    maxBytes.accumulateAndGet(sum, Math::max);
                    samples.incrementAndGet();
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                } catch (Exception e) {
                    // a slow scrape under load: try again
                }
            }
        }

        void stopWatching() throws InterruptedException {
            running.set(false);
            join(5000);
        }
    }
}
