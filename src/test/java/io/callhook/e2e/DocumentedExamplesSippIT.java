package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two documented examples (SPEC §1, flows 1 and 2 of §3) played by the SIPp scenarios of
 * {@code sipp-scenarios/} through the running proxy; the HTTPS receiver must get exactly the
 * three POSTs of each, field by field.
 */
class DocumentedExamplesSippIT {

    static final Duration CALL_TIME = Duration.ofSeconds(40);

    @TempDir
    Path work;
    Path traces;
    LoopbackRig rig;
    int devicePort;
    int upstreamPort;

    @BeforeAll
    static void sippIsInstalled() {
        Sipp.requireInstalled();
    }

    @BeforeEach
    void start() throws Exception {
        traces = Files.createDirectories(work.resolve("sipp"));
        devicePort = FreePorts.udpAndTcp();
        upstreamPort = FreePorts.udpAndTcp();
        rig = LoopbackRig.start(work, devicePort, upstreamPort);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void incomingExampleThroughTheProxyPostsInboundEarlyConfirmedTerminated() throws Exception {
        Sipp device = Sipp.server("incoming_device.xml", devicePort, FreePorts.udpAndTcp(), traces);
        Sipp caller = Sipp.client("incoming_caller.xml", FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), traces,
                rig.proxy());
        try {
            assertThat(caller.await(CALL_TIME)).as("caller SIPp exit code (traces in %s)", traces).isZero();
            assertThat(device.await(CALL_TIME)).as("device SIPp exit code (traces in %s)", traces).isZero();
        } finally {
            caller.kill();
            device.kill();
        }

        List<HttpsSink.Received> posts = rig.sink().awaitPosts(3, Duration.ofSeconds(10));
        Map<String, String> atDevice = device.logged();
        Events.assertDocumentedCall(posts, "INCOMING", atDevice.get("call_id"));
        assertThat(Events.fields(posts.get(0).body()).get("branch_id"))
                .as("branch_id is the Via branch the proxy sent to the device")
                .isEqualTo(atDevice.get("branch_id"))
                .startsWith("z9hG4bK");
        assertNoMorePosts(3);
    }

    @Test
    void outgoingExampleThroughTheProxyPostsOutboundEarlyConfirmedTerminated() throws Exception {
        Sipp farEnd = Sipp.server("outgoing_far_end.xml", upstreamPort, FreePorts.udpAndTcp(), traces);
        Sipp device = Sipp.client("outgoing_device.xml", devicePort, FreePorts.udpAndTcp(), traces, rig.proxy());
        try {
            assertThat(device.await(CALL_TIME)).as("device SIPp exit code (traces in %s)", traces).isZero();
            assertThat(farEnd.await(CALL_TIME)).as("far-end SIPp exit code (traces in %s)", traces).isZero();
        } finally {
            device.kill();
            farEnd.kill();
        }

        List<HttpsSink.Received> posts = rig.sink().awaitPosts(3, Duration.ofSeconds(10));
        Map<String, String> atDevice = device.logged();
        Events.assertDocumentedCall(posts, "OUTGOING", atDevice.get("call_id"));
        assertThat(Events.fields(posts.get(0).body()).get("branch_id"))
                .as("branch_id is the top Via branch of the device's INVITE")
                .isEqualTo(atDevice.get("branch_id"))
                .startsWith("z9hG4bK-");
        assertNoMorePosts(3);
    }

    private void assertNoMorePosts(int expected) throws InterruptedException {
        Thread.sleep(500); // a late duplicate would arrive within this
        assertThat(rig.sink().posts()).hasSize(expected);
    }
}
