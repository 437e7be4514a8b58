package io.callhook.demo;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds loopback ports free for both UDP and TCP (a SIP listener wants both on one number).
 *
 * <p>Ports are drawn below Linux's ephemeral range (32768–60999): a port the kernel handed out
 * for "any free port" can be handed out again to the next outgoing socket (an HTTPS connection, a
 * SIPp control socket) before the test binds it; ports below the range are only ever taken by
 * explicit binds.
 */
public final class FreePorts {

    static final int LOW = 20_000;
    static final int HIGH = 32_000;

    private FreePorts() {}

    public static int udpAndTcp() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, HIGH);
            if (free(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no loopback port free for both UDP and TCP in " + LOW + "-" + HIGH);
    }

    private static boolean free(int port) {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.setReuseAddress(false);
            tcp.bind(new InetSocketAddress(loopback, port));
            try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(loopback, port))) {
                return true;
            }
        } catch (IOException taken) {
            return false;
        }
    }
}
