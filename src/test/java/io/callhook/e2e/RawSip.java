package io.callhook.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SIP by hand over a UDP socket bound to a chosen loopback address (127.0.0.2 is not a trusted
 * peer of the rigs): requests written out as text, responses read back raw, so tests can send what
 * no well-behaved user agent would, as fast as they like.
 */
final class RawSip implements AutoCloseable {

    /** A response as received: its status line, its text, and the port it came from. */
    record Received(String statusLine, String text, int fromPort) {
        int status() {
            return Integer.parseInt(statusLine.substring(8, 11));
        }

        String header(String name) {
            for (String line : text.split("\r\n")) {
                if (line.regionMatches(true, 0, name + ":", 0, name.length() + 1)) {
                    return line.substring(name.length() + 1).strip();
                }
            }
            return null;
        }
    }

    final DatagramSocket socket;
    private final InetAddress proxyHost;
    private final int proxyPort;

    RawSip(String localAddress, String proxyHost, int proxyPort) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(localAddress), 0));
        this.socket.setReceiveBufferSize(1 << 20);
        this.proxyHost = InetAddress.getByName(proxyHost);
        this.proxyPort = proxyPort;
    }

    String host() {
        return socket.getLocalAddress().getHostAddress();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** An INVITE (or other request) from this socket; {@code extraHeaders} end with CRLF each. */
    String request(String method, String uri, String callId, String toTag, int maxForwards, String extraHeaders) {
        return method + " " + uri + " SIP/2.0\r\n"
                + "Via: SIP/2.0/UDP " + host() + ":" + port() + ";branch=z9hG4bK-raw-" + callId + "\r\n"
                + "Max-Forwards: " + maxForwards + "\r\n"
                + "From: <sip:+358409401234@" + host() + ">;tag=raw-" + callId + "\r\n"
                + "To: <sip:+358942721234@127.0.0.1>" + (toTag == null ? "" : ";tag=" + toTag) + "\r\n"
                + "Call-ID: raw-" + callId + "@" + host() + "\r\n"
                + "CSeq: 1 " + method + "\r\n"
                + "Contact: <sip:caller@" + host() + ":" + port() + ">\r\n"
                + extraHeaders
                + "Content-Length: 0\r\n\r\n";
    }

    void send(String message) throws IOException {
        send(message.getBytes(StandardCharsets.UTF_8));
    }

    void send(byte[] bytes) throws IOException {
        socket.send(new DatagramPacket(bytes, bytes.length, proxyHost, proxyPort));
    }

    /** Every response (1xx included) that arrives within {@code quiet} of the previous one. */
    List<Received> receiveUntilQuiet(Duration quiet) throws IOException {
        List<Received> all = new ArrayList<>();
        socket.setSoTimeout((int) quiet.toMillis());
        byte[] buffer = new byte[65_535];
        while (true) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return all;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            int eol = text.indexOf("\r\n");
            all.add(new Received(eol < 0 ? text : text.substring(0, eol), text, packet.getPort()));
        }
    }

    /** The first final (non-1xx) response within {@code wait}, or null. */
    Received finalResponse(Duration wait) throws IOException {
        long deadline = System.nanoTime() + wait.toNanos();
        byte[] buffer = new byte[65_535];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return null;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            String statusLine = text.substring(0, Math.max(0, text.indexOf("\r\n")));
            if (statusLine.startsWith("SIP/2.0 ") && !statusLine.startsWith("SIP/2.0 1")) {
                return new Received(statusLine, text, packet.getPort());
            }
        }
        return null;
    }

    @Override
    public void close() {
        socket.close();
    }
}
