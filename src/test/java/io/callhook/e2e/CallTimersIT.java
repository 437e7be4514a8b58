package io.callhook.e2e;

import io.callhook.sip.ua.PhoneCall;
import io.callhook.sip.ua.SimplePhone;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.callhook.e2e.FlowRig.CAROL;
import static io.callhook.e2e.FlowRig.DAVE;
import static io.callhook.e2e.FlowRig.EXTERNAL;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy's own timers (no-answer timeout, max call duration) and organizations that subscribe
 * to TRYING, driven by JAIN-SIP phones through the running proxy.
 */
class CallTimersIT {

    static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path work;
    FlowRig flows;
    final List<SimplePhone> phones = new ArrayList<>();

    SimplePhone phone(String name, String portName) throws Exception {
        SimplePhone p = SimplePhone.start(name, "127.0.0.1", flows.ports.get(portName), flows.rig.proxy());
        phones.add(p);
        return p;
    }

    SimplePhone externalCaller() throws Exception {
        SimplePhone p = SimplePhone.start("caller", "127.0.0.1", io.callhook.demo.FreePorts.udpAndTcp(), flows.rig.proxy());
        phones.add(p);
        return p;
    }

    @AfterEach
    void stop() {
        phones.forEach(SimplePhone::close);
        flows.close();
    }

    @Test
    void unansweredCallIsCancelledAtTheNoAnswerTimeoutAndTheCallerGets480() throws Exception {
        flows = FlowRig.start(work, b -> b.noAnswerTimeout(Duration.ofSeconds(1)));
        SimplePhone carol = phone("carol", "CAROL").ringFor(Duration.ofMinutes(1));
        PhoneCall call = externalCaller().call("sip:" + CAROL + "@" + flows.rig.proxy(), "sip:" + EXTERNAL + "@127.0.0.1");

        assertThat(call.awaitEnded(WAIT)).isTrue();
        assertThat(call.finalStatus()).isEqualTo(480);
        PhoneCall atCarol = carol.awaitIncoming(WAIT);
        assertThat(atCarol.awaitEnded(WAIT)).as("the device got the proxy's CANCEL").isTrue();
        assertThat(Events.summary(flows.exactlyPosts(2))).containsExactly(
                "carol SOFT INCOMING EARLY seq=1",
                "carol SOFT INCOMING TERMINATED CANCELLED seq=2");
        assertThat(flows.rig.callhook().tracker().liveLegs()).isZero();
    }

    @Test
    void confirmedLegOlderThanMaxCallDurationEndsAsHangupAndTheLateByeAddsNothing() throws Exception {
        flows = FlowRig.start(work, b -> b.maxCallDuration(Duration.ofSeconds(2)));
        phone("carol", "CAROL");
        PhoneCall call = externalCaller().call("sip:" + CAROL + "@" + flows.rig.proxy(), "sip:" + EXTERNAL + "@127.0.0.1");
        assertThat(call.awaitAnswered(WAIT)).isTrue();

        assertThat(Events.summary(flows.posts(3))).containsExactly(
                "carol SOFT INCOMING EARLY seq=1",
                "carol SOFT INCOMING CONFIRMED seq=2",
                "carol SOFT INCOMING TERMINATED HANGUP seq=3");
        call.hangup();
        assertThat(call.awaitEnded(WAIT)).isTrue();
        assertThat(flows.exactlyPosts(3)).hasSize(3);
    }

    @Test
    void timerCCancelsAnUpstreamBranchThatRingsForeverAndTheCallerGets408() throws Exception {
        Sipp.requireInstalled();
        flows = FlowRig.start(work, b -> b.timerC(Duration.ofSeconds(2)));
        Sipp upstream = flows.device("UPSTREAM", "uas_ring_cancelled.xml");
        Sipp alice = flows.call("uac_rejected.xml", "alice@acme.fi", EXTERNAL);
        flows.awaitAllSipp(Duration.ofSeconds(40));

        assertThat(alice.logged()).containsEntry("status", "408");
        assertThat(upstream.logged()).containsKey("reason"); // it was CANCELled
        assertThat(Events.summary(flows.exactlyPosts(2))).containsExactly(
                "alice SOFT OUTGOING EARLY seq=1",
                "alice SOFT OUTGOING TERMINATED REJECTED seq=2");
    }

    @Test
    void anOrganizationThatListsTryingGetsItFirst() throws Exception {
        flows = FlowRig.start(work);
        phone("dave", "DAVE");
        PhoneCall call = externalCaller().call("sip:" + DAVE + "@" + flows.rig.proxy(), "sip:" + EXTERNAL + "@127.0.0.1");
        assertThat(call.awaitAnswered(WAIT)).isTrue();
        call.hangup();
        assertThat(call.awaitEnded(WAIT)).isTrue();

        assertThat(Events.summary(flows.exactlyPosts(4))).containsExactly(
                "dave DESKTOP INCOMING TRYING seq=1",
                "dave DESKTOP INCOMING EARLY seq=2",
                "dave DESKTOP INCOMING CONFIRMED seq=3",
                "dave DESKTOP INCOMING TERMINATED HANGUP seq=4");
    }
}
