package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.LoopbackRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * callhook with {@code admin.listen} set: {@code /health} says the SIP listeners are up, and after
 * one answered call through the proxy {@code /metrics} shows its legs, its three events emitted and
 * delivered, SIP messages in and the JVM; once stopped, nobody answers on the admin port.
 */
class AdminEndpointsIT {

    static final String ORG = "seteratesting";

    @TempDir
    Path work;
    LoopbackRig rig;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void sippIsInstalled() {
        Sipp.requireInstalled();
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void healthIsUpAndMetricsCountTheCallItsEventsAndTheJvm() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        rig = LoopbackRig.builder(work).set("DEVICE_CONTACT", "sip:" + LoopbackRig.HOST + ":" + devicePort)
                .upstreamPort(FreePorts.udpAndTcp()).admin(LoopbackRig.HOST + ":0").start();
        String admin = "http://" + LoopbackRig.HOST + ":" + rig.callhook().adminPort().orElseThrow();

        HttpResponse<String> health = get(admin + "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(health.body()).contains("\"status\":\"UP\"", "\"sip\":\"UP\"", "\"outbox\":\"UP\"");

        Path traces = Files.createDirectories(work.resolve("sipp"));
        Sipp device = Sipp.server("incoming_device.xml", devicePort, FreePorts.udpAndTcp(), traces, "device",
                "-m", "1");
        Sipp caller = Sipp.client("incoming_caller.xml", FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), traces,
                "caller", rig.proxy(), "-m", "1");
        try {
            caller.assertSucceeded(Duration.ofSeconds(30), traces);
            device.assertSucceeded(Duration.ofSeconds(30), traces);
        } finally {
            caller.kill();
            device.kill();
        }
        rig.sink().awaitPosts(3, Duration.ofSeconds(20));
        awaitMetric(admin, "callhook_events_delivered_total{org=\"" + ORG + "\"}", 3.0);

        String metrics = get(admin + "/metrics").body();
        assertThat(value(metrics, "callhook_events_emitted_total{org=\"" + ORG + "\",state=\"EARLY\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "callhook_events_emitted_total{org=\"" + ORG + "\",state=\"CONFIRMED\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "callhook_events_emitted_total{org=\"" + ORG + "\",state=\"TERMINATED\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "callhook_events_delivered_total{org=\"" + ORG + "\"}")).isEqualTo(3.0);
        assertThat(value(metrics,
                "callhook_delivery_latency_seconds_count{org=\"" + ORG + "\",outcome=\"success\"}")).isEqualTo(3.0);
        assertThat(metrics).contains("callhook_delivery_latency_seconds_bucket{org=\"" + ORG + "\",outcome=\"success\",le=");
        // the call's one leg is TERMINATED and remembered (linger), none live
        assertThat(value(metrics, "callhook_legs{state=\"TERMINATED\"}")).isEqualTo(1.0);
        assertThat(value(metrics, "callhook_legs_live")).isEqualTo(0.0);
        assertThat(value(metrics, "callhook_calls{state=\"tracked\"}")).isEqualTo(1.0);
        // INVITE, ACK, BYE in; 100, 180, 200, 200 (BYE) back from the device at least
        assertThat(value(metrics, "callhook_sip_messages_in{kind=\"request\"}")).isGreaterThanOrEqualTo(3.0);
        assertThat(value(metrics, "callhook_sip_messages_in{kind=\"response\"}")).isGreaterThanOrEqualTo(3.0);
        // INVITE, ACK, BYE forwarded; 180, 200, 200 (BYE) relayed back to the caller
        assertThat(value(metrics, "callhook_sip_messages_out{kind=\"request\"}")).isGreaterThanOrEqualTo(3.0);
        assertThat(value(metrics, "callhook_sip_messages_out{kind=\"response\"}")).isGreaterThanOrEqualTo(3.0);
        assertThat(value(metrics, "callhook_outbox_pending")).as("outbox depth once all three are delivered")
                .isEqualTo(0.0);
        assertThat(metrics).contains("callhook_sip_transactions_live ", "callhook_delivery_pending ",
                "callhook_outbox_writer_queue ",
                "jvm_memory_used_bytes{", "jvm_gc_", "process_cpu_usage ");
        assertThat(get(admin + "/nothing-here").statusCode()).isEqualTo(404);

        rig.close();
        rig = null;
        assertThat(refused(admin + "/health")).as("admin port closed after stop").isTrue();
    }

    private void awaitMetric(String admin, String series, double expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Double v = valueOrNull(get(admin + "/metrics").body(), series);
            if (v != null && v >= expected) {
                return;
            }
            Thread.sleep(200);
        }
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private boolean refused(String url) {
        try {
            get(url);
            return false;
        } catch (Exception e) {
            return true;
        }
    }

    static double value(String metrics, String series) {
        Double v = valueOrNull(metrics, series);
        assertThat(v).as("series %s in\n%s", series, metrics).isNotNull();
        return v;
    }

    static Double valueOrNull(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }
}
