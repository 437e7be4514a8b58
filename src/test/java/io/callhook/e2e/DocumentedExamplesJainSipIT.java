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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The two documented examples of SPEC §1 driven through the running proxy by JAIN-SIP phones,
 * asserting the POSTs a real HTTPS receiver gets.
 */
class DocumentedExamplesJainSipIT {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path work;
    LoopbackRig rig;
    SimplePhone device;
    SimplePhone upstream;
    SimplePhone caller;

    @BeforeEach
    void start() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        int upstreamPort = FreePorts.udpAndTcp();
        rig = LoopbackRig.start(work, devicePort, upstreamPort);
        device = SimplePhone.start("setera.test", LoopbackRig.HOST, devicePort, rig.proxy());
        upstream = SimplePhone.start("trunk", LoopbackRig.HOST, upstreamPort, rig.proxy());
        caller = SimplePhone.start("caller", LoopbackRig.HOST, FreePorts.udpAndTcp(), rig.proxy());
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
    void incomingCallAnsweredAndHungUpByTheCallerPostsEarlyConfirmedTerminated() throws Exception {
        PhoneCall call = caller.call("sip:+358942721234@" + rig.proxy(), "sip:+358409401234@127.0.0.1");
        assertThat(call.awaitAnswered(WAIT)).as("answered").isTrue();
        PhoneCall atDevice = device.awaitIncoming(WAIT);
        assertThat(atDevice).isNotNull();
        call.hangup();
        assertThat(atDevice.awaitEnded(WAIT)).as("BYE reached the device").isTrue();

        List<HttpsSink.Received> posts = rig.sink().awaitPosts(3, WAIT);
        assertThat(posts).hasSize(3);
        Events.assertDocumentedCall(posts, "INCOMING", call.callId());
    }

    @Test
    void outgoingCallAnsweredAndHungUpByTheFarEndPostsEarlyConfirmedTerminated() throws Exception {
        PhoneCall call = device.call("sip:+358409401234@" + rig.proxy(), "sip:setera.test@seteratesting.fi");
        assertThat(call.awaitAnswered(WAIT)).as("answered").isTrue();
        PhoneCall atFarEnd = upstream.awaitIncoming(WAIT);
        assertThat(atFarEnd).isNotNull();
        assertThat(atFarEnd.awaitAnswered(WAIT)).isTrue();
        atFarEnd.hangup();
        assertThat(call.awaitEnded(WAIT)).as("BYE reached the device").isTrue();

        List<HttpsSink.Received> posts = rig.sink().awaitPosts(3, WAIT);
        assertThat(posts).hasSize(3);
        Events.assertDocumentedCall(posts, "OUTGOING", call.callId());
    }
}
