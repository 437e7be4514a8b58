package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;
import io.callhook.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No open relay, over real SIP (SIPp) and HTTPS: the rig trusts only {@code 127.0.0.1/32}, so
 * SIPp devices on {@code 127.0.0.2} must authenticate. Without credentials an INVITE gets 407 and
 * the upstream SIPp sees nothing; a wrong password gets 403 and is logged without any secret; the
 * right one places the call, whose ACK and BYE from the untrusted address flow through the proxy;
 * and a device that registers receives calls at its registered contact, with its device type.
 */
class AccessControlSippIT {

    static final Duration CALL_TIME = Duration.ofSeconds(40);
    static final String UNTRUSTED = LoopbackRig.UNTRUSTED_HOST;
    static final String DESK_HA1 = "a2ce8feccf13af158b2ac91ffd5b0019";

    @TempDir
    Path work;
    Path traces;
    LoopbackRig rig;
    int upstreamPort;

    @BeforeAll
    static void sippIsInstalled() {
        Sipp.requireInstalled();
    }

    @BeforeEach
    void start() throws Exception {
        traces = Files.createDirectories(work.resolve("sipp"));
        upstreamPort = FreePorts.udpAndTcp();
        rig = LoopbackRig.builder(work).upstreamPort(upstreamPort)
                .directory(Resources.text("e2e/access-sipp-directory.yaml")).start();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Test
    void anUntrustedInviteWithoutCredentialsGets407AndTheUpstreamSeesNothing() throws Exception {
        Sipp upstream = Sipp.server("incoming_device.xml", upstreamPort, FreePorts.udpAndTcp(), traces);
        Sipp device = Sipp.client("untrusted_invite_no_credentials.xml", UNTRUSTED, FreePorts.udpAndTcp(),
                FreePorts.udpAndTcp(), traces, rig.proxy());
        try {
            assertThat(device.await(CALL_TIME)).as("device SIPp exit code (traces in %s): %s", traces,
                    device.lastLines()).isZero();
            assertThat(device.logged()).containsEntry("status", "407").containsEntry("realm", "seteratesting.fi")
                    .containsEntry("algorithm", "MD5");
            assertThat(upstream.messages()).as("the upstream SIPp received nothing").doesNotContain("INVITE");
        } finally {
            device.kill();
            upstream.kill();
        }
        assertThat(rig.sink().posts()).isEmpty();
    }

    @Test
    void aWrongPasswordGets403AndIsLoggedWithoutTheSecret() throws Exception {
        String password = "not-the-password";
        Sipp upstream = Sipp.server("incoming_device.xml", upstreamPort, FreePorts.udpAndTcp(), traces);
        try (LogCapture log = new LogCapture()) {
            Sipp device = Sipp.client("untrusted_invite_wrong_password.xml", UNTRUSTED, FreePorts.udpAndTcp(),
                    FreePorts.udpAndTcp(), traces, rig.proxy(), "-au", "setera.desk", "-ap", password);
            try {
                assertThat(device.await(CALL_TIME)).as("device SIPp exit code (traces in %s): %s", traces,
                        device.lastLines()).isZero();
                assertThat(device.logged()).containsEntry("status", "403");
                assertThat(upstream.messages()).as("the upstream SIPp received nothing").doesNotContain("INVITE");
            } finally {
                device.kill();
                upstream.kill();
            }
            Matcher response = Pattern.compile("response=\"?([0-9a-f]{32})").matcher(device.messages());
            assertThat(response.find()).as("SIPp sent a digest response").isTrue();
            List<String> lines = log.lines();
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("WARN ")
                    .contains("auth refused").contains("wrong credentials").contains("user=setera.desk")
                    .contains("realm=seteratesting.fi").contains("from " + UNTRUSTED));
            assertThat(lines).noneSatisfy(line -> assertThat(line).containsAnyOf(password, DESK_HA1, response.group(1)));
        }
        assertThat(rig.sink().posts()).isEmpty();
    }

    @Test
    void theRightPasswordPlacesTheCallAndTheUntrustedDevicesAckAndByeFlow() throws Exception {
        Sipp farEnd = Sipp.server("incoming_device.xml", upstreamPort, FreePorts.udpAndTcp(), traces);
        Sipp device = Sipp.client("authenticated_device_call.xml", UNTRUSTED, FreePorts.udpAndTcp(),
                FreePorts.udpAndTcp(), traces, rig.proxy(), "-au", "setera.desk", "-ap", "desk-secret");
        try {
            assertThat(device.await(CALL_TIME)).as("device SIPp exit code (traces in %s): %s", traces,
                    device.lastLines()).isZero();
            assertThat(farEnd.await(CALL_TIME)).as("far-end SIPp exit code (traces in %s): %s", traces,
                    farEnd.lastLines()).isZero();
        } finally {
            device.kill();
            farEnd.kill();
        }
        List<HttpsSink.Received> posts = rig.sink().awaitPosts(3, Duration.ofSeconds(10));
        Map<String, String> atDevice = device.logged();
        String[] states = {"EARLY", "CONFIRMED", "TERMINATED"};
        for (int i = 0; i < 3; i++) {
            assertThat(Events.fields(posts.get(i).body()))
                    .containsEntry("seq_num", String.valueOf(i + 1))
                    .containsEntry("call_id", atDevice.get("call_id"))
                    .containsEntry("branch_id", atDevice.get("branch_id"))
                    .containsEntry("state", states[i])
                    .containsEntry("direction", "OUTGOING")
                    .containsEntry("local_user_id", "setera.test@seteratesting.fi")
                    .containsEntry("device_type", "DESKTOP")
                    .containsEntry("remote_number", "+358409401234");
        }
        assertThat(Events.fields(posts.get(2).body())).containsEntry("termination-reason", "HANGUP");
        Thread.sleep(500);
        assertThat(rig.sink().posts()).as("the challenged attempt made no events").hasSize(3);
    }

    @Test
    void aDeviceThatRegistersReceivesTheCallAtItsRegisteredContactWithItsDeviceType() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        try (Silence upstream = new Silence(upstreamPort)) {
            Sipp register = Sipp.client("register_device.xml", UNTRUSTED, devicePort, FreePorts.udpAndTcp(), traces,
                    rig.proxy(), "-au", "setera.desk", "-ap", "desk-secret");
            assertThat(register.await(CALL_TIME)).as("register SIPp exit code (traces in %s): %s", traces,
                    register.lastLines()).isZero();
            assertThat(register.logged()).containsEntry("contact", "sip:setera.desk@" + UNTRUSTED + ":" + devicePort);
            assertThat(Integer.parseInt(register.logged().get("expires"))).isBetween(3590, 3600);

            Sipp device = Sipp.server("incoming_device.xml", UNTRUSTED, devicePort, FreePorts.udpAndTcp(), traces);
            Sipp caller = Sipp.client("incoming_caller.xml", FreePorts.udpAndTcp(), FreePorts.udpAndTcp(), traces,
                    rig.proxy());
            try {
                assertThat(caller.await(CALL_TIME)).as("caller SIPp exit code (traces in %s): %s", traces,
                        caller.lastLines()).isZero();
                assertThat(device.await(CALL_TIME)).as("device SIPp exit code (traces in %s): %s", traces,
                        device.lastLines()).isZero();
            } finally {
                caller.kill();
                device.kill();
            }
            List<HttpsSink.Received> posts = rig.sink().awaitPosts(3, Duration.ofSeconds(10));
            Map<String, String> atDevice = device.logged();
            String[] states = {"EARLY", "CONFIRMED", "TERMINATED"};
            for (int i = 0; i < 3; i++) {
                assertThat(Events.fields(posts.get(i).body()))
                        .containsEntry("state", states[i])
                        .containsEntry("direction", "INCOMING")
                        .containsEntry("call_id", atDevice.get("call_id"))
                        .containsEntry("branch_id", atDevice.get("branch_id"))
                        .containsEntry("local_user_id", "setera.test@seteratesting.fi")
                        .containsEntry("device_type", "DESKTOP")
                        .containsEntry("remote_number", "+358409401234");
            }
            assertThat(upstream.received()).as("the REGISTER was not forwarded upstream").isEmpty();
        }
    }
}
