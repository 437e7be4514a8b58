package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.LoopbackRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stack keeps completed transactions seconds, not RFC 3261's 32 s: a BYE's server transaction
 * (Timer J ≈ 5 s over UDP), a BYE's client transaction whose 200 beat the RI's own timer start
 * (ended after Timer K instead of Timer F; see {@code sip.ShortRetention}), and every terminated
 * transaction (2 s linger instead of 8 s). With the RI defaults the last BYE's transactions would
 * stay 32 + 8 s; the live set of transactions is what drives the proxy's GC and table scans under load.
 */
class CompletedTransactionsLeaveQuicklyIT {

    static final int CALLS = 20;

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
    void transactionsOfFinishedCallsAreGoneWithinSeconds() throws Exception {
        Path traces = Files.createDirectories(work.resolve("sipp"));
        String calls = String.valueOf(CALLS);
        Sipp device = Sipp.server("incoming_device.xml", devicePort, FreePorts.udpAndTcp(), traces, "device",
                "-m", calls);
        Sipp caller = Sipp.client("incoming_caller.xml", FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), traces,
                "caller", rig.proxy(), "-m", calls, "-r", "10");
        try {
            caller.assertSucceeded(Duration.ofSeconds(60), traces);
            device.assertSucceeded(Duration.ofSeconds(30), traces);
        } finally {
            caller.kill();
            device.kill();
        }
        long lastByeAnswered = System.nanoTime();
        assertThat(rig.callhook().liveSipTransactions()).as("transactions right after the last BYE").isPositive();

        while (rig.callhook().liveSipTransactions() > 0 && System.nanoTime() - lastByeAnswered < 30_000_000_000L) {
            Thread.sleep(200);
        }
        Duration drained = Duration.ofNanos(System.nanoTime() - lastByeAnswered);
        assertThat(rig.callhook().liveSipTransactions()).as("transactions 30 s after the last BYE").isZero();
        // RFC defaults: 32 s (Timer J) + 8 s (linger). Ours: ~5 s + 2 s; the margin is for a busy machine.
        assertThat(drained).as("time until the stack held no transaction").isLessThan(Duration.ofSeconds(20));
    }
}
