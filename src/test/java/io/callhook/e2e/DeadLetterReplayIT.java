package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;
import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import io.callhook.testing.Cli;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5 (d): events that outlive {@code max_age} are dead, listed by {@code outbox list --dead},
 * and delivered again (same webhook-id, seq order) by {@code outbox replay} while callhook runs.
 */
class DeadLetterReplayIT {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String DIRECTORY = """
            organizations:
              - id: seteratesting
                default_region: FI
                webhook:
                  url: ${WEBHOOK_URL}
                  ca_file: ${CA_FILE}
                  timeout: 5s
                  max_age: 1s
                  retry_schedule: [200ms]
                users:
                  - user_id: setera.test@seteratesting.fi
                    numbers: ["+358942721234"]
                    devices:
                      - { type: SOFT, aor: "sip:setera.test@seteratesting.fi", contact: "${DEVICE_CONTACT}" }
            """;

    @TempDir
    Path work;
    LoopbackRig rig;
    SimplePhone device;
    SimplePhone caller;

    @BeforeEach
    void start() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        rig = LoopbackRig.builder(work).directoryTemplate(DIRECTORY)
                .set("DEVICE_CONTACT", "sip:" + LoopbackRig.HOST + ":" + devicePort).start();
        device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, rig.proxy());
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy());
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {caller, device, rig}) {
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
    void eventsPastMaxAgeAreDeadListedAndDeliveredAgainByReplay() throws Exception {
        rig.sink().answer(r -> HttpsSink.Reply.status(503));
        PhoneCall call = caller.call("sip:+358942721234@" + rig.proxy(), "sip:+358409401234@127.0.0.1");
        assertThat(call.awaitAnswered(WAIT)).isTrue();
        call.hangup();
        assertThat(call.awaitEnded(WAIT)).isTrue();
        String config = rig.configFile().toString();

        List<String> dead = awaitDeadLines(call.callId(), 3, config);
        assertThat(dead).allSatisfy(line -> assertThat(line)
                .startsWith("dead org=seteratesting call_id=" + call.callId() + " seq=")
                .contains(" reason=\"max_age PT1S reached after "));
        assertThat(dead).extracting(l -> l.replaceAll(".* seq=(\\d+) .*", "$1")).containsExactly("1", "2", "3");
        List<HttpsSink.Received> failed = rig.sink().posts();
        Set<String> deadIds = failed.stream().map(p -> p.header("webhook-id")).collect(Collectors.toSet());
        assertThat(deadIds).hasSize(3);

        rig.sink().answer(r -> HttpsSink.Reply.status(200));
        Cli.Result replay = Cli.run("outbox", "replay", "--call-id", call.callId(), "--config", config);
        assertThat(replay.exit()).as(replay.err()).isZero();
        assertThat(replay.out()).startsWith("replayed 3 events");

        List<HttpsSink.Received> all = rig.sink().awaitPosts(failed.size() + 3, WAIT);
        List<HttpsSink.Received> replayed = all.subList(failed.size(), all.size());
        assertThat(Delivered.seqNums(replayed, call.callId())).containsExactly(1, 2, 3);
        assertThat(replayed).extracting(p -> p.header("webhook-id")).containsExactlyInAnyOrderElementsOf(deadIds);
        assertThat(awaitNoDead(call.callId(), config)).isTrue();
    }

    private static List<String> awaitDeadLines(String callId, int n, String config) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> lines = List.of();
        while (System.nanoTime() < deadline) {
            lines = Cli.run("outbox", "list", "--dead", "--call-id", callId, "--config", config).out().lines().toList();
            if (lines.size() >= n) {
                return lines;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("expected " + n + " dead events of " + callId + ", got " + lines);
    }

    private static boolean awaitNoDead(String callId, String config) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            String out = Cli.run("outbox", "list", "--delivered", "--call-id", callId, "--config", config).out();
            if (out.lines().count() == 3) {
                return Cli.run("outbox", "list", "--dead", "--call-id", callId, "--config", config).out().isEmpty();
            }
            Thread.sleep(100);
        }
        return false;
    }
}
