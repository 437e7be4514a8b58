package io.callhook.e2e;

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

/** A CANCEL from the caller is relayed to the ringing device, which ends its leg CANCELLED (flow 3). */
class CancelWhileRingingIT {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path work;
    LoopbackRig rig;
    SimplePhone device;
    SimplePhone caller;

    @BeforeEach
    void start() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        rig = LoopbackRig.start(work, devicePort, FreePorts.udpAndTcp());
        device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, rig.proxy()).ringFor(Duration.ofMinutes(1));
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy());
    }

    @AfterEach
    void stop() {
        caller.close();
        device.close();
        rig.close();
    }

    @Test
    void callerCancelsWhileTheDeviceRingsAndTheLegEndsCancelled() throws Exception {
        PhoneCall call = caller.call("sip:+358942721234@" + rig.proxy(), "sip:+358409401234@127.0.0.1");
        PhoneCall atDevice = device.awaitIncoming(WAIT);
        assertThat(atDevice).as("the device rings").isNotNull();
        assertThat(rig.sink().awaitPosts(1, WAIT)).hasSize(1); // EARLY delivered while ringing

        call.cancel();

        assertThat(atDevice.awaitEnded(WAIT)).as("the CANCEL reached the device").isTrue();
        assertThat(call.awaitEnded(WAIT)).as("the caller got its final response").isTrue();
        assertThat(call.finalStatus()).isEqualTo(487);
        List<HttpsSink.Received> posts = rig.sink().awaitPosts(2, WAIT);
        Map<String, String> early = Events.fields(posts.get(0).body());
        Map<String, String> ended = Events.fields(posts.get(1).body());
        assertThat(early).containsEntry("seq_num", "1").containsEntry("state", "EARLY")
                .containsEntry("direction", "INCOMING");
        assertThat(ended).containsEntry("seq_num", "2").containsEntry("state", "TERMINATED")
                .containsEntry("termination-reason", "CANCELLED")
                .containsEntry("branch_id", early.get("branch_id"));
        Thread.sleep(500);
        assertThat(rig.sink().posts()).as("the 487 after the CANCEL is not a second event").hasSize(2);
        assertThat(rig.callhook().tracker().liveLegs()).isZero();
    }
}
