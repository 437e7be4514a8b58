package io.callhook.e2e;

import io.callhook.app.Callhook;
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
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A soak: a thousand short answered calls (50 per second) through the proxy; afterwards no leg is live,
 * every call is forgotten after its linger time, no SIP transaction is left in the stack, and every
 * call got exactly its three events, in seq order.
 */
class ManyCallsLeaveNothingBehindIT {

    static final int CALLS = 1000;
    static final int RATE = 50;

    @TempDir
    Path work;
    LoopbackRig rig;
    int devicePort;

    @BeforeAll
    static void sippIsInstalled() {
        Sipp.requireInstalled();
    }

    @BeforeEach
    void start() throws Exception {
        devicePort = FreePorts.udpAndTcp();
        rig = LoopbackRig.start(work, devicePort, FreePorts.udpAndTcp());
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void aThousandCallsLeaveNoLiveLegsCallsOrTransactions() throws Exception {
        Path traces = Files.createDirectories(work.resolve("sipp"));
        String calls = String.valueOf(CALLS);
        Sipp device = Sipp.server("incoming_device.xml", devicePort, FreePorts.udpAndTcp(), traces, "device",
                "-m", calls);
        Sipp caller = Sipp.client("incoming_caller.xml", FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), traces,
                "caller", rig.proxy(), "-m", calls, "-r", String.valueOf(RATE), "-l", "400");
        try {
            caller.assertSucceeded(Duration.ofSeconds(150), traces);
            device.assertSucceeded(Duration.ofSeconds(30), traces);
        } finally {
            caller.kill();
            device.kill();
        }

        rig.sink().awaitPosts(3 * CALLS, Duration.ofSeconds(60));
        awaitDistinctEvents(3 * CALLS, Duration.ofSeconds(60));
        // at-least-once: an attempt that timed out on our side may still have reached the receiver,
        // so a retry can repeat an event; never out of order, never missing
        Map<String, Integer> lastSeqByCall = new HashMap<>();
        for (HttpsSink.Received post : rig.sink().posts()) {
            Map<String, String> f = Events.fields(post.body());
            int seq = Integer.parseInt(f.get("seq_num"));
            Integer previous = lastSeqByCall.put(f.get("call_id"), seq);
            assertThat(seq).as("seq of %s after %s", f.get("call_id"), previous)
                    .isBetween(previous == null ? 1 : previous, previous == null ? 1 : previous + 1);
        }
        assertThat(lastSeqByCall).hasSize(CALLS).allSatisfy((call, last) -> assertThat(last).isEqualTo(3));

        Callhook callhook = rig.callhook();
        assertThat(callhook.tracker().liveLegs()).isZero();
        awaitZero("calls remembered", () -> callhook.tracker().trackedCalls(), Duration.ofSeconds(60));
        awaitZero("SIP transactions", callhook::liveSipTransactions, Duration.ofSeconds(60));
        assertThat(callhook.dispatcher().inFlightCalls()).isZero();
    }

    private void awaitDistinctEvents(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (distinctEvents() < n && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(distinctEvents()).as("distinct (call_id, seq_num) received").isEqualTo(n);
    }

    private long distinctEvents() {
        return rig.sink().posts().stream().map(p -> Events.fields(p.body()))
                .map(f -> f.get("call_id") + "/" + f.get("seq_num")).distinct().count();
    }

    private static void awaitZero(String what, IntSupplier count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.getAsInt() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        assertThat(count.getAsInt()).as(what + " after " + timeout).isZero();
    }
}
