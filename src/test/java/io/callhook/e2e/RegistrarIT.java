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

import javax.sip.header.ContactHeader;
import javax.sip.message.Response;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registrar over real SIP (JAIN-SIP phones) and HTTPS: devices on an untrusted address
 * ({@code 127.0.0.2}) register with digest (MD5 and SHA-256), receive calls at their registered
 * contact with their own {@code device_type}, and call out identified by their credentials; a
 * REGISTER never reaches the upstream.
 */
class RegistrarIT {

    static final Duration WAIT = Duration.ofSeconds(10);
    static final String DESK_AOR = "sip:setera.desk@seteratesting.fi";
    static final String MOBILE_AOR = "sip:setera.mobile@seteratesting.fi";

    @TempDir
    Path work;
    LoopbackRig rig;
    Silence upstream;
    int upstreamPort;
    final List<AutoCloseable> phones = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        upstreamPort = FreePorts.udpAndTcp();
        upstream = new Silence(upstreamPort);
        rig = LoopbackRig.builder(work).upstreamPort(upstreamPort)
                .directory(Resources.text("e2e/access-directory.yaml")).start();
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable p : phones) {
            p.close();
        }
        rig.close();
        upstream.close();
    }

    private SimplePhone phone(String name, String host) throws Exception {
        SimplePhone phone = SimplePhone.start(name, host, FreePorts.udpAndTcp(), rig.proxy());
        phones.add(phone);
        return phone;
    }

    @Test
    void aDeviceThatRegistersThenReceivesACallGetsIncomingEventsWithItsDeviceType() throws Exception {
        SimplePhone desk = phone("desk", LoopbackRig.UNTRUSTED_HOST).withCredentials("setera.desk", "desk-secret");
        Response ok = desk.register(DESK_AOR, Duration.ofHours(1));
        assertThat(ok.getStatusCode()).isEqualTo(200);
        ContactHeader bound = (ContactHeader) ok.getHeader(ContactHeader.NAME);
        assertThat(bound.getAddress().getURI().toString()).isEqualTo(desk.contactUri());
        assertThat(bound.getExpires()).isBetween(3590, 3600);
        assertThat(desk.challengesAnswered()).as("the first REGISTER was challenged (401)").isEqualTo(1);

        SimplePhone caller = phone("caller", LoopbackRig.HOST);
        PhoneCall call = caller.call("sip:+358942725555@" + rig.proxy(), "sip:+358409401234@127.0.0.1");
        assertThat(call.awaitAnswered(WAIT)).as("the registered device answered").isTrue();
        PhoneCall atDesk = desk.awaitIncoming(WAIT);
        assertThat(atDesk).isNotNull();
        call.hangup();
        assertThat(atDesk.awaitEnded(WAIT)).isTrue();

        List<HttpsSink.Received> posts = rig.sink().awaitPosts(3, WAIT);
        String[] states = {"EARLY", "CONFIRMED", "TERMINATED"};
        for (int i = 0; i < 3; i++) {
            Map<String, String> f = Events.fields(posts.get(i).body());
            assertThat(f).containsEntry("state", states[i]).containsEntry("direction", "INCOMING")
                    .containsEntry("device_type", "DESKTOP")
                    .containsEntry("local_user_id", "setera.desk@seteratesting.fi")
                    .containsEntry("local_number", "+358942725555")
                    .containsEntry("remote_number", "+358409401234")
                    .containsEntry("call_id", call.callId());
        }
        assertThat(upstream.received()).as("REGISTER and the call never reach sip.upstream").isEmpty();
    }

    @Test
    void aShaTwoFiftySixDeviceRegistersAndRefreshesWithTheSameNonceAndARisingCount() throws Exception {
        SimplePhone mobile = phone("mobile", LoopbackRig.UNTRUSTED_HOST).withCredentials("setera.mobile", "mobile-secret");
        assertThat(mobile.register(MOBILE_AOR, Duration.ofMinutes(10)).getStatusCode()).isEqualTo(200);
        Response refreshed = mobile.register(MOBILE_AOR, Duration.ofMinutes(30));
        assertThat(refreshed.getStatusCode()).isEqualTo(200);
        assertThat(((ContactHeader) refreshed.getHeader(ContactHeader.NAME)).getExpires()).isBetween(1790, 1800);
        assertThat(mobile.challengesAnswered()).as("the refresh reused the nonce with nc=2: no new challenge")
                .isEqualTo(1);
    }

    @Test
    void unregisteringRemovesTheBindingAndTheUserIsThenUnavailable() throws Exception {
        SimplePhone desk = phone("desk", LoopbackRig.UNTRUSTED_HOST).withCredentials("setera.desk", "desk-secret");
        assertThat(desk.register(DESK_AOR, Duration.ofHours(1)).getStatusCode()).isEqualTo(200);
        Response gone = desk.register(DESK_AOR, Duration.ZERO);
        assertThat(gone.getStatusCode()).isEqualTo(200);
        assertThat(gone.getHeader(ContactHeader.NAME)).as("no binding left").isNull();

        PhoneCall call = phone("caller", LoopbackRig.HOST).call("sip:+358942725555@" + rig.proxy(),
                "sip:+358409401234@127.0.0.1");
        assertThat(call.awaitEnded(WAIT)).isTrue();
        assertThat(call.finalStatus()).isEqualTo(480);
        assertThat(upstream.received()).isEmpty();
    }

    @Test
    void aWrongPasswordCannotRegister() throws Exception {
        SimplePhone desk = phone("desk", LoopbackRig.UNTRUSTED_HOST).withCredentials("setera.desk", "not-the-password");
        assertThat(desk.register(DESK_AOR, Duration.ofHours(1)).getStatusCode()).isEqualTo(403);
        PhoneCall call = phone("caller", LoopbackRig.HOST).call("sip:+358942725555@" + rig.proxy(),
                "sip:+358409401234@127.0.0.1");
        assertThat(call.awaitEnded(WAIT)).isTrue();
        assertThat(call.finalStatus()).as("nothing was bound").isEqualTo(480);
    }

    @Test
    void aDeviceMayNotRegisterAnotherDevicesAor() throws Exception {
        SimplePhone desk = phone("desk", LoopbackRig.UNTRUSTED_HOST).withCredentials("setera.desk", "desk-secret");
        assertThat(desk.register(DESK_AOR, Duration.ofHours(1)).getStatusCode()).isEqualTo(200);
        assertThat(desk.register(MOBILE_AOR, Duration.ofHours(1)).getStatusCode())
                .as("desk's credentials for the mobile's AOR").isIn(401, 403);
    }

    @Test
    void anAuthenticatedDeviceCallingOutIsIdentifiedByItsCredentialsNotItsFrom() throws Exception {
        upstream.close();
        SimplePhone farEnd = SimplePhone.start("trunk", LoopbackRig.HOST, upstreamPort, rig.proxy());
        phones.add(farEnd);
        SimplePhone mobile = phone("mobile", LoopbackRig.UNTRUSTED_HOST).withCredentials("setera.mobile", "mobile-secret");
        // the From names another local user: the credentials must win
        PhoneCall call = mobile.call("sip:+358409401234@" + rig.proxy(), "sip:setera.test@seteratesting.fi");
        assertThat(call.awaitAnswered(WAIT)).as("answered after the 407 was answered with SHA-256 credentials").isTrue();
        PhoneCall atFarEnd = farEnd.awaitIncoming(WAIT);
        assertThat(atFarEnd).isNotNull();
        call.hangup(); // a BYE from the untrusted address, admitted by the dialog token in its Route
        assertThat(atFarEnd.awaitEnded(WAIT)).as("the device's BYE reached the far end").isTrue();

        List<HttpsSink.Received> posts = rig.sink().awaitPosts(3, WAIT);
        String[] states = {"EARLY", "CONFIRMED", "TERMINATED"};
        for (int i = 0; i < 3; i++) {
            Map<String, String> f = Events.fields(posts.get(i).body());
            assertThat(f).containsEntry("state", states[i]).containsEntry("direction", "OUTGOING")
                    .containsEntry("local_user_id", "setera.mobile@seteratesting.fi")
                    .containsEntry("device_type", "MOBILE_VOIP")
                    .containsEntry("local_number", "+358942726666")
                    .containsEntry("remote_number", "+358409401234");
        }
        assertThat(Events.fields(posts.get(2).body())).containsEntry("termination-reason", "HANGUP");
    }
}
