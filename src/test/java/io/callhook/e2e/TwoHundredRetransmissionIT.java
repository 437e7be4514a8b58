package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.HttpsSink;
import io.callhook.demo.LoopbackRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A callee whose ACK is late retransmits its 200 OK (RFC 3261 §13.3.1.4) after the proxy's INVITE
 * client transaction has ended with the first one. The proxy must relay each copy to the caller
 * statelessly (§16.7) — callhook does so without the RI's walk over its client transaction table
 * ({@code sip.StrayResponses}) — and the copies are not events.
 */
class TwoHundredRetransmissionIT {

    static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path work;
    LoopbackRig rig;
    DatagramSocket device;
    RawSip caller;

    @BeforeEach
    void start() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        rig = LoopbackRig.start(work, devicePort, FreePorts.udpAndTcp());
        device = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), devicePort));
        device.setSoTimeout((int) WAIT.toMillis());
        caller = new RawSip(LoopbackRig.HOST, LoopbackRig.HOST, rig.proxyPort());
    }

    @AfterEach
    void stop() {
        caller.close();
        device.close();
        rig.close();
    }

    @Test
    void eachRetransmitted200ReachesTheCallerAndIsNoEvent() throws Exception {
        caller.send(caller.request("INVITE", "sip:+358942721234@" + rig.proxy(), "r200", null, 70, ""));
        DatagramPacket invite = receive(device);
        String request = new String(invite.getData(), 0, invite.getLength(), StandardCharsets.UTF_8);
        assertThat(request).startsWith("INVITE ");
        byte[] ok = okFor(request, devicePort());

        for (int copy = 1; copy <= 3; copy++) {
            device.send(new DatagramPacket(ok, ok.length, invite.getSocketAddress()));
            RawSip.Received relayed = caller.finalResponse(WAIT);
            assertThat(relayed).as("copy %d of the 200 OK reached the caller", copy).isNotNull();
            assertThat(relayed.status()).isEqualTo(200);
            assertThat(relayed.header("Call-ID")).isEqualTo("raw-r200@127.0.0.1");
            assertThat(relayed.header("Via")).as("the proxy's own Via is gone")
                    .startsWith("SIP/2.0/UDP 127.0.0.1:" + caller.port() + ";");
            Thread.sleep(600); // T1 and more: the client transaction ended with the first copy
        }

        List<HttpsSink.Received> posts = rig.sink().awaitPosts(1, WAIT);
        Thread.sleep(1000); // time for a wrong second CONFIRMED to show up
        assertThat(Events.summary(rig.sink().posts())).as("one CONFIRMED for three copies").containsExactly(
                "setera.test@seteratesting.fi SOFT INCOMING CONFIRMED seq=1");
        assertThat(posts).isNotEmpty();
    }

    private int devicePort() {
        return device.getLocalPort();
    }

    private static DatagramPacket receive(DatagramSocket socket) throws Exception {
        DatagramPacket packet = new DatagramPacket(new byte[65_535], 65_535);
        socket.receive(packet);
        return packet;
    }

    /** The callee's 200 OK: the request's Vias, Record-Routes, From, Call-ID and CSeq, a To-tag. */
    private static byte[] okFor(String request, int port) {
        String copied = request.lines()
                .filter(l -> startsWithAny(l, "Via:", "Record-Route:", "From:", "Call-ID:", "CSeq:"))
                .map(l -> l + "\r\n").collect(Collectors.joining());
        String to = request.lines().filter(l -> startsWithAny(l, "To:")).findFirst().orElseThrow();
        return ("SIP/2.0 200 OK\r\n" + copied + to + ";tag=device-r200\r\n"
                + "Contact: <sip:setera.test@127.0.0.1:" + port + ">\r\n"
                + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.UTF_8);
    }

    private static boolean startsWithAny(String line, String... names) {
        for (String name : names) {
            if (line.regionMatches(true, 0, name, 0, name.length())) {
                return true;
            }
        }
        return false;
    }
}
