package io.callhook.e2e;

import io.callhook.config.CallhookConfig;
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
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The HTTP directory source over real HTTPS (its own CA via {@code ca_file}) beside the file: a
 * user only the provisioning system knows is called, routed to its device, and its events go to
 * the organization's webhook from the JSON answer; when the provisioning system fails, the cached
 * answer keeps calls flowing.
 */
class HttpDirectoryIT {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String NUMBER = "+358942723333";

    @TempDir
    Path work;
    ProvisioningServer provisioning;
    LoopbackRig rig;
    SimplePhone device;
    SimplePhone caller;

    @BeforeEach
    void start() throws Exception {
        provisioning = new ProvisioningServer(work);
        int devicePort = FreePorts.udpAndTcp();
        CallhookConfig.HttpDirectory http = new CallhookConfig.HttpDirectory(provisioning.baseUrl(),
                provisioning.caFile(), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1),
                List.of("FI"), Map.of("Authorization", "Bearer test"));
        rig = LoopbackRig.builder(work).httpDirectory(http, true).start();
        String answer = """
                {"organizations": [{"id": "provisioned", "default_region": "FI",
                  "webhook": {"url": "%s", "ca_file": "%s", "retry_schedule": ["200ms"]},
                  "users": [{"user_id": "http.user@provisioned.example", "numbers": ["%s"],
                    "devices": [{"type": "WEB", "aor": "sip:http.user@provisioned.example",
                                 "contact": "sip:http.user@127.0.0.1:%d"}]}]}]}
                """.formatted(rig.sink().url(), work.resolve("sink-ca.pem"), NUMBER, devicePort);
        provisioning.answer("/numbers/%2B358942723333", answer);
        device = SimplePhone.start("http.user", LoopbackRig.HOST, devicePort, rig.proxy());
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy());
    }

    @AfterEach
    void stop() {
        caller.close();
        device.close();
        rig.close();
        provisioning.close();
    }

    @Test
    void aUserOnlyTheProvisioningSystemKnowsIsCalledAndKeepsWorkingWhileItFails() throws Exception {
        String first = answeredCall();
        List<Map<String, String>> events = eventsOf(first);
        assertThat(events).hasSize(3);
        assertThat(events.get(0)).containsEntry("direction", "INCOMING").containsEntry("state", "EARLY")
                .containsEntry("local_user_id", "http.user@provisioned.example")
                .containsEntry("local_number", NUMBER).containsEntry("device_type", "WEB");
        assertThat(provisioning.asked()).contains("GET /callhook/v1/numbers/%2B358942723333");

        provisioning.forceStatus(503);
        Thread.sleep(1500); // past refresh_after: the next lookups try the failing source
        String second = answeredCall();
        assertThat(eventsOf(second)).hasSize(3).allSatisfy(f -> assertThat(f)
                .containsEntry("local_user_id", "http.user@provisioned.example").containsEntry("device_type", "WEB"));
        assertThat(rig.directory().userByNumber(NUMBER)).as("the cached answer serves").isPresent();
    }

    private String answeredCall() throws Exception {
        PhoneCall call = caller.call("sip:" + NUMBER + "@" + rig.proxy(), "sip:+358409401234@127.0.0.1");
        assertThat(call.awaitAnswered(WAIT)).as("the provisioned user's device answered").isTrue();
        PhoneCall atDevice = device.awaitIncoming(WAIT);
        call.hangup();
        assertThat(atDevice.awaitEnded(WAIT)).isTrue();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (eventsOf(call.callId()).size() < 3 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        return call.callId();
    }

    private List<Map<String, String>> eventsOf(String callId) {
        return rig.sink().posts().stream().map(HttpsSink.Received::body).map(Events::fields)
                .filter(f -> callId.equals(f.get("call_id"))).toList();
    }
}
