package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;
import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import io.callhook.testing.StandardWebhooksVerifier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 5 (a): a receiver that answers 503 to the first attempts of every event still gets every
 * event of real SIP calls, each call's in seq_num order, with the same webhook-id on the retries,
 * signed per Standard Webhooks (checked by an independent verifier).
 */
class DeliveryRetriesIT {

    static final Duration WAIT = Duration.ofSeconds(15);
    static final String SECRET = "whsec_ZGVtby1zZWNyZXQtY2hhbmdlLW1l";
    static final String DIRECTORY = """
            organizations:
              - id: seteratesting
                default_region: FI
                webhook:
                  url: ${WEBHOOK_URL}
                  ca_file: ${CA_FILE}
                  secret: %s
                  timeout: 5s
                  max_age: 1m
                  retry_schedule: [100ms, 200ms]
                  privacy: { local_email: remove, local_number: "mask:4", remote_number: "mask:4" }
                users:
                  - user_id: setera.test@seteratesting.fi
                    email: setera.test@seteratesting.fi
                    numbers: ["+358942721234"]
                    devices:
                      - { type: SOFT, aor: "sip:setera.test@seteratesting.fi", contact: "${DEVICE_CONTACT}" }
            """.formatted(SECRET);

    @TempDir
    Path work;
    LoopbackRig rig;
    SimplePhone device;
    SimplePhone upstream;
    SimplePhone caller;
    final Map<String, Integer> attemptsById = new ConcurrentHashMap<>();
    final List<HttpsSink.Received> accepted = java.util.Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void start() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        int upstreamPort = FreePorts.udpAndTcp();
        rig = LoopbackRig.builder(work).directoryTemplate(DIRECTORY).upstreamPort(upstreamPort)
                .set("DEVICE_CONTACT", "sip:" + LoopbackRig.HOST + ":" + devicePort).start();
        device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, rig.proxy());
        upstream = SimplePhone.start("trunk", LoopbackRig.HOST, upstreamPort, rig.proxy());
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy());
        rig.sink().answer(post -> {
            int n = attemptsById.merge(post.header("webhook-id"), 1, Integer::sum);
            if (n <= 2) {
                return HttpsSink.Reply.status(503);
            }
            accepted.add(post);
            return HttpsSink.Reply.status(200);
        });
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {caller, upstream, device, rig}) {
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
    void aReceiverAnswering503ToTheFirstAttemptsStillGetsEveryEventInSeqOrderWithStableIds() throws Exception {
        PhoneCall incoming = caller.call("sip:+358942721234@" + rig.proxy(), "sip:+358409401234@127.0.0.1");
        PhoneCall outgoing = device.call("sip:+358409401234@" + rig.proxy(), "sip:setera.test@seteratesting.fi");
        assertThat(incoming.awaitAnswered(WAIT)).isTrue();
        assertThat(outgoing.awaitAnswered(WAIT)).isTrue();
        PhoneCall atDevice = device.awaitIncoming(WAIT);
        PhoneCall atFarEnd = upstream.awaitIncoming(WAIT);
        incoming.hangup();
        atFarEnd.hangup();
        assertThat(atDevice.awaitEnded(WAIT)).isTrue();
        assertThat(outgoing.awaitEnded(WAIT)).isTrue();

        List<HttpsSink.Received> all = rig.sink().awaitPosts(18, WAIT);
        Thread.sleep(500); // a stray extra attempt would show up within this

        List<HttpsSink.Received> posts = rig.sink().posts();
        assertThat(posts).as("six events, three attempts each").hasSize(18);
        assertThat(accepted).hasSize(6);
        assertThat(Delivered.seqNums(accepted, incoming.callId())).containsExactly(1, 2, 3);
        assertThat(Delivered.seqNums(accepted, outgoing.callId())).containsExactly(1, 2, 3);
        Map<String, Set<String>> bodiesById = posts.stream().collect(Collectors.groupingBy(
                p -> p.header("webhook-id"), Collectors.mapping(HttpsSink.Received::body, Collectors.toSet())));
        assertThat(bodiesById).as("one webhook-id per event, the same bytes on every attempt").hasSize(6)
                .allSatisfy((id, bodies) -> assertThat(bodies).hasSize(1));
        assertThat(attemptsById.values()).containsOnly(3);

        StandardWebhooksVerifier verifier = new StandardWebhooksVerifier(SECRET);
        long now = Instant.now().getEpochSecond();
        assertThat(all).allSatisfy(p -> assertThat(verifier.verify(p.header("webhook-id"), p.header("webhook-timestamp"),
                p.header("webhook-signature"), p.body().getBytes(StandardCharsets.UTF_8), now))
                .as("signature of %s", p.header("webhook-id")).isTrue());
        Events.assertDocumentedCall(accepted.stream().filter(p -> p.body().contains(incoming.callId())).toList(),
                "INCOMING", incoming.callId());
    }
}
