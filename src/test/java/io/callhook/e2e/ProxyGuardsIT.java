package io.callhook.e2e;

import io.callhook.demo.FreePorts;
import io.callhook.demo.LoopbackRig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the RI would not do by itself: answer Max-Forwards 0 with 483, and refuse an in-dialog
 * request addressed to the proxy itself (SIPp's abort-BYE) instead of forwarding it to itself.
 */
class ProxyGuardsIT {

    @TempDir
    Path work;
    LoopbackRig rig;
    DatagramSocket socket;

    @BeforeEach
    void start() throws Exception {
        rig = LoopbackRig.start(work, FreePorts.udpAndTcp(), FreePorts.udpAndTcp());
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        socket.setSoTimeout(5000);
    }

    @AfterEach
    void stop() {
        socket.close();
        rig.close();
    }

    @Test
    void inviteWithMaxForwardsZeroIsAnswered483() throws Exception {
        String status = exchange(request("INVITE", "sip:+358942721234@" + rig.proxy(), null, 0, "mf0"));
        assertThat(status).startsWith("SIP/2.0 483");
        assertThat(rig.sink().posts()).isEmpty();
    }

    @Test
    void inDialogByeAddressedToTheProxyWithoutRouteIs481NotALoop() throws Exception {
        String status = exchange(request("BYE", "sip:+358942721234@" + rig.proxy(), "callee-tag", 70, "bye1"));
        assertThat(status).startsWith("SIP/2.0 481");
    }

    @Test
    void cancelMatchingNothingIs481() throws Exception {
        String status = exchange(request("CANCEL", "sip:+358942721234@" + rig.proxy(), null, 70, "nothing"));
        assertThat(status).startsWith("SIP/2.0 481");
    }

    private String request(String method, String uri, String toTag, int maxForwards, String callId) {
        int port = socket.getLocalPort();
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP 127.0.0.1:" + port + ";branch=z9hG4bK-guard-" + callId + "\r\n"
                + "Max-Forwards: " + maxForwards + "\r\n"
                + "From: <sip:+358409401234@127.0.0.1>;tag=caller-tag\r\n"
                + "To: <sip:+358942721234@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: guard-" + callId + "@127.0.0.1\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:caller@127.0.0.1:" + port + ">\r\n"
                + "Content-Length: 0\r\n\r\n";
    }

    /** Sends one request and returns the status line of the first final (non-1xx) response. */
    private String exchange(String message) throws Exception {
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        socket.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), rig.proxyPort()));
        byte[] buffer = new byte[8192];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return "no response";
            }
            String response = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            String statusLine = response.substring(0, response.indexOf("\r\n"));
            if (!statusLine.startsWith("SIP/2.0 1")) {
                return statusLine;
            }
        }
    }
}
