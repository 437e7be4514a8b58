package io.callhook.e2e;

import io.callhook.testing.Cli;
import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;
import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5 (c): an organization whose webhook is dead (it accepts connections and never answers)
 * does not delay another organization's events, on real SIP calls.
 */
class OrganizationIsolationIT {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String DIRECTORY = """
            organizations:
              - id: deadco
                default_region: FI
                webhook:
                  url: https://127.0.0.1:${BLACKHOLE_PORT}/hooks/calls
                  ca_file: ${CA_FILE}
                  timeout: 20s
                  retry_schedule: [200ms]
                users:
                  - user_id: dead.user@deadco.fi
                    numbers: ["+358942721111"]
                    devices:
                      - { type: SOFT, aor: "sip:dead.user@deadco.fi", contact: "${DEAD_DEVICE}" }
              - id: liveco
                default_region: FI
                webhook:
                  url: ${WEBHOOK_URL}
                  ca_file: ${CA_FILE}
                  timeout: 5s
                  retry_schedule: [200ms]
                users:
                  - user_id: live.user@liveco.fi
                    numbers: ["+358942722222"]
                    devices:
                      - { type: SOFT, aor: "sip:live.user@liveco.fi", contact: "${LIVE_DEVICE}" }
            """;

    @TempDir
    Path work;
    Blackhole blackhole;
    LoopbackRig rig;
    SimplePhone deadDevice;
    SimplePhone liveDevice;
    SimplePhone caller;

    @BeforeEach
    void start() throws Exception {
        blackhole = Blackhole.start();
        int deadPort = FreePorts.udpAndTcp();
        int livePort = FreePorts.udpAndTcp();
        rig = LoopbackRig.builder(work).directoryTemplate(DIRECTORY)
                .set("BLACKHOLE_PORT", Integer.toString(blackhole.port()))
                .set("DEAD_DEVICE", "sip:" + LoopbackRig.HOST + ":" + deadPort)
                .set("LIVE_DEVICE", "sip:" + LoopbackRig.HOST + ":" + livePort).start();
        deadDevice = SimplePhone.start("dead.user", LoopbackRig.HOST, deadPort, rig.proxy());
        liveDevice = SimplePhone.start("live.user", LoopbackRig.HOST, livePort, rig.proxy());
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy());
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {caller, liveDevice, deadDevice, rig, blackhole}) {
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
    void aDeadEndpointOfOneOrganizationDoesNotDelayAnotherOrganizationsEvents() throws Exception {
        List<PhoneCall> toDead = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            toDead.add(caller.call("sip:+358942721111@" + rig.proxy(), "sip:+35840940000" + i + "@127.0.0.1"));
        }
        for (PhoneCall call : toDead) {
            assertThat(call.awaitAnswered(WAIT)).isTrue();
        }
        PhoneCall toLive = caller.call("sip:+358942722222@" + rig.proxy(), "sip:+358409409999@127.0.0.1");
        assertThat(toLive.awaitAnswered(WAIT)).isTrue();
        for (PhoneCall call : toDead) {
            call.hangup();
        }
        Instant hungUp = Instant.now();
        toLive.hangup();

        List<HttpsSink.Received> live = rig.sink().awaitPosts(3, WAIT);
        Duration lag = Duration.between(hungUp, live.get(2).receivedAt());

        assertThat(Delivered.seqNums(live, toLive.callId())).containsExactly(1, 2, 3);
        assertThat(Events.fields(live.get(2).body())).containsEntry("state", "TERMINATED");
        assertThat(lag).as("liveco's TERMINATED arrived %s after the hang-up", lag).isLessThan(Duration.ofSeconds(2));
        assertThat(live).as("nothing of deadco reaches liveco's receiver")
                .noneMatch(p -> p.body().contains("dead.user@deadco.fi"));
        assertThat(blackhole.connectionsAccepted()).as("deadco's events were tried").isPositive();

        Cli.Result stats = Cli.run("outbox", "stats", "--config", rig.configFile().toString());
        assertThat(stats.out().lines().filter(l -> l.startsWith("deadco ")).findFirst().orElseThrow())
                .as("deadco's 9 events wait in the outbox").matches("deadco\\s+9\\s+0\\s+0\\s+\\S+");
    }
}
