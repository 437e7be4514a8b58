package io.callhook.e2e;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A SIP peer on one UDP address that records every request the proxy forwards to it and answers
 * at once, so no transaction lingers: an INVITE with 486 (the proxy ACKs it hop by hop), anything
 * else but ACK with 200. The answer is built from the request's own Via, From, To, Call-ID and CSeq.
 */
final class RecordingSipPeer implements AutoCloseable {

    /** One request as received. */
    record Received(String text) {
        String callId() {
            return header(text, "call-id", "i");
        }

        String startLine() {
            int end = text.indexOf("\r\n");
            return end < 0 ? text : text.substring(0, end);
        }
    }

    private final DatagramSocket socket;
    private final List<Received> received = new ArrayList<>();
    private final Thread thread;

    private RecordingSipPeer(DatagramSocket socket) {
        this.socket = socket;
        this.thread = new Thread(this::serve, "sip-peer-" + socket.getLocalSocketAddress());
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Listens on {@code host:port} (UDP). */
    static RecordingSipPeer listen(String host, int port) throws SocketException {
        return new RecordingSipPeer(new DatagramSocket(new InetSocketAddress(host, port)));
    }

    private void serve() {
        byte[] buffer = new byte[65_535];
        while (!socket.isClosed()) {
            DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(packet);
            } catch (IOException closed) {
                return;
            }
            String text = new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8);
            if (text.startsWith("SIP/2.0")) {
                continue; // a response: not ours to record
            }
            synchronized (received) {
                received.add(new Received(text));
                received.notifyAll();
            }
            byte[] answer = answer(text);
            if (answer != null) {
                try {
                    socket.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                } catch (IOException e) {
                    return;
                }
            }
        }
    }

    private static byte[] answer(String request) {
        if (request.startsWith("ACK ")) {
            return null;
        }
        StringBuilder out = new StringBuilder(request.startsWith("INVITE ") ? "SIP/2.0 486 Busy Here\r\n"
                : "SIP/2.0 200 OK\r\n");
        for (String line : request.substring(0, headerEnd(request)).split("\r\n")) {
            String name = nameOf(line);
            switch (name) {
                case "via", "v", "from", "f", "call-id", "i", "cseq" -> out.append(line).append("\r\n");
                case "to", "t" -> out.append(line).append(line.contains("tag=") ? "" : ";tag=peer").append("\r\n");
                default -> { }
            }
        }
        return out.append("Content-Length: 0\r\n\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Every request received so far, in order. */
    List<Received> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Waits until a request with this Call-ID has arrived; returns it, or null after {@code timeout}. */
    Received await(String callId, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (received) {
            while (true) {
                for (Received r : received) {
                    if (callId.equals(r.callId())) {
                        return r;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                received.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    void clear() {
        synchronized (received) {
            received.clear();
        }
    }

    @Override
    public void close() {
        socket.close();
    }

    private static int headerEnd(String text) {
        int end = text.indexOf("\r\n\r\n");
        return end < 0 ? text.length() : end;
    }

    private static String nameOf(String line) {
        int colon = line.indexOf(':');
        return colon < 0 ? "" : line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
    }

    /** The first value of a header (long or compact name) in a message's header section, or null. */
    static String header(String message, String... names) {
        for (String line : message.substring(0, headerEnd(message)).split("\r\n")) {
            String name = nameOf(line);
            for (String wanted : names) {
                if (name.equals(wanted)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        }
        return null;
    }
}
