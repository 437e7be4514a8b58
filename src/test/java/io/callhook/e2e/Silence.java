package io.callhook.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A UDP socket standing in for {@code sip.upstream}: it answers nothing and records every datagram,
 * so a test can prove that nothing reached the trunk.
 */
final class Silence implements AutoCloseable {

    private final DatagramSocket socket;
    private final List<String> received = new ArrayList<>();
    private final Thread reader;

    Silence(int port) throws SocketException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        reader = new Thread(this::read, "silent-upstream");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        byte[] buffer = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (Exception closed) {
                return;
            }
            synchronized (received) {
                received.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
            }
        }
    }

    /** Every message that arrived, first line each. */
    List<String> received() {
        synchronized (received) {
            return received.stream().map(m -> m.lines().findFirst().orElse("")).toList();
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
