package io.callhook.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.callhook.demo.LocalCertificates;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The benchmark's webhook receiver: a real HTTPS server (JDK {@code HttpsServer}, certificate from
 * {@link LocalCertificates}) that answers every POST 200 and keeps only counts, so it can take
 * hundreds of thousands of events: POSTs, duplicates and out-of-order events per (call_id, seq_num),
 * and the event latency = receive time − the event's {@code timestamp} (when the causing SIP
 * message reached callhook), in a 1 ms histogram.
 *
 * <p>{@code GET /stats} prints the counts since the last {@code GET /reset}. Usage:
 * {@code java -cp target/test-classes:target/callhook.jar io.callhook.bench.BenchReceiver WORKDIR}; it
 * writes {@code WORKDIR/receiver-ca.pem} and {@code WORKDIR/receiver-url} (the POST URL) and runs until killed.
 */
public final class BenchReceiver {

    private static final int MAX_MS = 60_000;

    private long posts;
    private long duplicates;
    private long outOfOrder;
    private long unparsed;
    private final long[] latencyMs = new long[MAX_MS + 1];
    private final Map<String, Long> lastSeq = new HashMap<>();

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        LocalCertificates certificates = LocalCertificates.generate();
        certificates.writeCaPem(work.resolve("receiver-ca.pem"));
        BenchReceiver receiver = new BenchReceiver();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverSslContext()));
        server.setExecutor(Executors.newFixedThreadPool(threads));
        server.createContext("/", receiver::handle);
        server.start();
        Files.writeString(work.resolve("receiver-url"),
                "https://127.0.0.1:" + server.getAddress().getPort() + "/hooks/calls\n");
        Thread.currentThread().join();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            long receivedAt = System.currentTimeMillis();
            String path = exchange.getRequestURI().getPath();
            if ("POST".equals(exchange.getRequestMethod())) {
                record(new String(body, StandardCharsets.UTF_8), receivedAt);
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            String out = switch (path) {
                case "/stats" -> stats();
                case "/reset" -> {
                    reset();
                    yield "reset\n";
                }
                default -> "GET /stats or /reset\n";
            };
            byte[] bytes = out.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(bytes);
            }
        }
    }

    private synchronized void record(String json, long receivedAt) {
        posts++;
        String callId = field(json, "\"call_id\":\"", '"');
        String seq = field(json, "\"seq_num\":", ',');
        String timestamp = field(json, "\"timestamp\":\"", '"');
        if (callId == null || seq == null || timestamp == null) {
            unparsed++;
            return;
        }
        long n = Long.parseLong(seq);
        Long last = lastSeq.get(callId);
        if (last != null && n <= last) {
            duplicates++;
        } else if (n != (last == null ? 1 : last + 1)) {
            outOfOrder++;
        }
        if (last == null || n > last) {
            lastSeq.put(callId, n);
        }
        long ms = receivedAt - OffsetDateTime.parse(timestamp).toInstant().toEpochMilli();
        latencyMs[(int) Math.max(0, Math.min(MAX_MS, ms))]++;
    }

    private static String field(String json, String prefix, char end) {
        int i = json.indexOf(prefix);
        if (i < 0) {
            return null;
        }
        int from = i + prefix.length();
        int to = json.indexOf(end, from);
        return to < 0 ? null : json.substring(from, to);
    }

    private synchronized String stats() {
        return "posts=" + posts + " duplicates=" + duplicates + " out_of_order=" + outOfOrder
                + " unparsed=" + unparsed + " calls=" + lastSeq.size()
                + " p50_ms=" + percentile(0.50) + " p99_ms=" + percentile(0.99) + " max_ms=" + percentile(1.0) + "\n";
    }

    private long percentile(double q) {
        long total = 0;
        for (long c : latencyMs) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int ms = 0; ms <= MAX_MS; ms++) {
            seen += latencyMs[ms];
            if (seen >= rank) {
                return ms;
            }
        }
        return MAX_MS;
    }

    private synchronized void reset() {
        posts = 0;
        duplicates = 0;
        outOfOrder = 0;
        unparsed = 0;
        lastSeq.clear();
        java.util.Arrays.fill(latencyMs, 0);
    }
}
