package io.callhook.delivery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A million pending events for a receiver that is down: how fast they are stored, and that the heap
 * holds only the per-organization window of them, before and after a restart. Not part of the
 * build (minutes of disk I/O); run it with
 * {@code mvn -o test -Dtest=OutboxBacklogBenchmark -Dcallhook.benchmark=true}.
 */
@EnabledIfSystemProperty(named = "callhook.benchmark", matches = "true")
class OutboxBacklogBenchmark {

    static final int EVENTS = Integer.getInteger("callhook.benchmark.events", 1_000_000);

    @TempDir
    Path work;

    @Test
    void aMillionPendingEventsStayOnDisk() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // closed: every attempt is refused
        }
        Endpoint down = new Endpoint(URI.create("https://127.0.0.1:" + port + "/"), null, Duration.ofSeconds(5));
        RetryPolicy hourly = new RetryPolicy(List.of(Duration.ofHours(1)), Duration.ofDays(1), 0);
        Map<String, Route> routes = OutboxRig.routes();
        routes.put("org-1", new Route(down, hourly));
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        Path file = work.resolve("outbox.db");
        byte[] body = ("{\"seq_num\":1,\"call_id\":\"tvNAazZlEwDZTCO74Pk95Q-000000\",\"branch_id\":\"L1FIItkNwW0.\","
                + "\"timestamp\":\"2021-09-30T10:36:19.315+00:00\",\"state\":\"EARLY\",\"direction\":\"INCOMING\","
                + "\"local_user_id\":\"setera.test@seteratesting.fi\",\"local_number\":\"+35894272XXXX\","
                + "\"device_type\":\"SOFT\",\"remote_number\":\"+35840940XXXX\"}").getBytes(StandardCharsets.UTF_8);

        OutboxRig rig = OutboxRig.open(file, clock, DeliveryListener.NONE, Dispatcher.DEFAULT_PER_ORGANIZATION, routes);
        long t0 = System.nanoTime();
        for (int i = 0; i < EVENTS; i++) {
            rig.append(PendingEvent.of("org-1", "call-" + (i / 3), i % 3 + 1, "EARLY", body, down, hourly));
        }
        long handedOver = System.nanoTime();
        assertThat(rig.writer.flush(Duration.ofMinutes(10))).isTrue();
        long stored = System.nanoTime();
        report("appended (SIP side, queue only)", handedOver - t0);
        report("stored (group-committed)", stored - t0);
        System.out.printf("events/s stored: %.0f; file %d MiB%n", EVENTS / ((stored - t0) / 1e9),
                Files.size(file) >> 20);
        heap("after storing", rig);
        rig.close();

        long r0 = System.nanoTime();
        OutboxRig again = OutboxRig.open(file, clock, DeliveryListener.NONE, Dispatcher.DEFAULT_PER_ORGANIZATION, routes);
        while (again.dispatcher.pendingEvents() < Dispatcher.DEFAULT_PER_ORGANIZATION) {
            Thread.sleep(10);
        }
        report("restart: first window in memory", System.nanoTime() - r0);
        Thread.sleep(2_000);
        heap("after restart", again);
        assertThat(again.dispatcher.pendingEvents()).isLessThanOrEqualTo(Dispatcher.DEFAULT_PER_ORGANIZATION);
        again.close();
    }

    private static void report(String what, long nanos) {
        System.out.printf("%s: %d ms%n", what, nanos / 1_000_000);
    }

    private static void heap(String when, OutboxRig rig) {
        System.gc();
        long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        System.out.printf("%s: heap used %d MiB, deliveries in memory %d, calls in memory %d%n", when, used >> 20,
                rig.dispatcher.pendingEvents(), rig.dispatcher.inFlightCalls());
    }
}
