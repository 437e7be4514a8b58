package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LocalCertificates;
import io.callhook.demo.LoopbackRig;
import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import io.callhook.store.SqliteFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5 (b): callhook (a separate JVM running the shaded jar) is killed with SIGKILL in the middle
 * of answered calls whose events the receiver has not taken yet, and started again: every event that
 * had reached the outbox is delivered (same webhook-id), and the BYEs sent after the restart still
 * produce TERMINATED with the next seq_num.
 */
class KillAndRestartIT {

    static final Duration WAIT = Duration.ofSeconds(20);
    static final String DIRECTORY = """
            organizations:
              - id: seteratesting
                default_region: FI
                webhook:
                  url: %s
                  ca_file: %s
                  timeout: 5s
                  max_age: 5m
                  retry_schedule: [200ms, 500ms]
                users:
                  - user_id: setera.test@seteratesting.fi
                    numbers: ["+358942721234"]
                    devices:
                      - { type: SOFT, aor: "sip:setera.test@seteratesting.fi", contact: "sip:127.0.0.1:%d" }
            """;

    @TempDir
    Path work;
    HttpsSink sink;
    Path config;
    Path log;
    Path outbox;
    int proxyPort;
    ChildCallhook callhook;
    SimplePhone device;
    SimplePhone upstream;
    SimplePhone caller;
    final List<HttpsSink.Received> accepted = Collections.synchronizedList(new ArrayList<>());
    volatile boolean receiverUp;

    @BeforeEach
    void start() throws Exception {
        LocalCertificates certificates = LocalCertificates.generate();
        Path caFile = work.resolve("ca.pem");
        certificates.writeCaPem(caFile);
        sink = HttpsSink.start(certificates);
        sink.answer(post -> {
            if (!receiverUp) {
                return HttpsSink.Reply.status(503);
            }
            accepted.add(post);
            return HttpsSink.Reply.status(200);
        });
        int devicePort = FreePorts.udpAndTcp();
        int upstreamPort = FreePorts.udpAndTcp();
        proxyPort = FreePorts.udpAndTcp();
        Path directory = work.resolve("directory.yaml");
        Files.writeString(directory, DIRECTORY.formatted(sink.url(), caFile, devicePort));
        outbox = work.resolve("data/outbox.db");
        config = work.resolve("callhook.yaml");
        Files.writeString(config, LoopbackRig.config(proxyPort, upstreamPort, directory, outbox));
        log = work.resolve("callhook.log");

        callhook = ChildCallhook.start(config, log);
        String proxy = LoopbackRig.HOST + ":" + proxyPort;
        device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, proxy);
        upstream = SimplePhone.start("trunk", LoopbackRig.HOST, upstreamPort, proxy);
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), proxy);
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {caller, upstream, device, callhook, sink}) {
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
    void afterSigkillEveryStoredEventIsDeliveredAndByesAfterTheRestartStillEndTheCalls() throws Exception {
        String proxy = LoopbackRig.HOST + ":" + proxyPort;
        PhoneCall incoming = caller.call("sip:+358942721234@" + proxy, "sip:+358409401234@127.0.0.1");
        PhoneCall outgoing = device.call("sip:+358409401234@" + proxy, "sip:setera.test@seteratesting.fi");
        assertThat(incoming.awaitAnswered(WAIT)).isTrue();
        assertThat(outgoing.awaitAnswered(WAIT)).isTrue();
        PhoneCall atDevice = device.awaitIncoming(WAIT);
        PhoneCall atFarEnd = upstream.awaitIncoming(WAIT);
        assertThat(atFarEnd.awaitAnswered(WAIT)).isTrue();

        awaitStoredEvents(4); // EARLY and CONFIRMED of both calls are in the outbox
        sink.awaitPosts(2, WAIT); // and delivery was trying (the receiver answers 503)
        Set<String> triedBeforeKill = sink.posts().stream().map(p -> p.header("webhook-id")).collect(Collectors.toSet());
        callhook.kill();
        Set<String> storedBeforeKill = storedWebhookIds();
        assertThat(storedBeforeKill).hasSize(4).containsAll(triedBeforeKill);

        receiverUp = true;
        callhook = ChildCallhook.start(config, log);
        assertThat(callhook.tail()).contains("restored_live_legs=2");
        awaitAccepted(4);
        assertThat(accepted.stream().map(p -> p.header("webhook-id")).collect(Collectors.toSet()))
                .as("every event stored before the kill, with its webhook-id").containsAll(storedBeforeKill);

        incoming.hangup();
        atFarEnd.hangup();
        assertThat(atDevice.awaitEnded(WAIT)).as("the caller's BYE crossed the restarted proxy").isTrue();
        assertThat(outgoing.awaitEnded(WAIT)).as("the far end's BYE crossed the restarted proxy").isTrue();
        awaitAccepted(6);

        List<HttpsSink.Received> delivered = Delivered.deduplicated(accepted);
        assertThat(Delivered.seqNums(delivered, incoming.callId())).containsExactly(1, 2, 3);
        assertThat(Delivered.seqNums(delivered, outgoing.callId())).containsExactly(1, 2, 3);
        for (String callId : List.of(incoming.callId(), outgoing.callId())) {
            Map<String, String> last = Events.fields(delivered.stream().filter(p -> p.body().contains(callId))
                    .reduce((a, b) -> b).orElseThrow().body());
            assertThat(last).containsEntry("state", "TERMINATED").containsEntry("termination-reason", "HANGUP")
                    .containsEntry("seq_num", "3");
        }
    }

    private void awaitStoredEvents(int n) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(outbox) && storedWebhookIds().size() >= n) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the outbox did not hold " + n + " events within " + WAIT + ":\n" + callhook.tail());
    }

    private Set<String> storedWebhookIds() throws Exception {
        Set<String> ids = new TreeSet<>();
        try (Connection c = SqliteFile.openExisting(outbox); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT webhook_id FROM event")) {
            while (r.next()) {
                ids.add(r.getString(1));
            }
        }
        return ids;
    }

    private void awaitAccepted(int distinct) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Delivered.deduplicated(List.copyOf(accepted)).size() >= distinct) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the receiver took " + Delivered.deduplicated(List.copyOf(accepted)).size()
                + " distinct events, expected " + distinct + ":\n" + callhook.tail());
    }
}
