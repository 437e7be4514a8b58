package io.callhook.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One raw message sent to the proxy from a socket of its own (UDP, or a fresh TCP connection), and
 * what comes back on it: the final status codes and whether the proxy closed the connection. Its top
 * Via is pointed at the socket ({@link TopVia}). Over TCP a UDP socket on the same port number listens
 * too: a second request behind the first on the stream (dblreq) keeps its RFC Via, {@code SIP/2.0/UDP},
 * and the stack answers it over UDP at the connection's source address and port (rport).
 */
final class RawExchange implements AutoCloseable {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^SIP/2\\.0 (\\d{3}) ");

    private final List<String> finals = new ArrayList<>(); // full text of each final response, in order
    private final List<AutoCloseable> sockets = new ArrayList<>();
    private boolean closedByProxy;

    private RawExchange() {}

    static RawExchange udp(byte[] message, String name, int proxyPort) throws IOException {
        RawExchange x = new RawExchange();
        DatagramSocket socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        x.sockets.add(socket);
        x.readDatagrams(socket);
        byte[] bytes = TopVia.pointAt(message, "UDP", socket.getLocalPort(), ".udp-" + name);
        socket.send(new DatagramPacket(bytes, bytes.length, LOOPBACK, proxyPort));
        return x;
    }

    static RawExchange tcp(byte[] message, String name, int proxyPort) throws IOException {
        RawExchange x = new RawExchange();
        Socket socket = new Socket(LOOPBACK, proxyPort);
        x.sockets.add(socket);
        DatagramSocket sameSourcePort = new DatagramSocket(new InetSocketAddress(LOOPBACK, socket.getLocalPort()));
        x.sockets.add(sameSourcePort);
        x.readDatagrams(sameSourcePort);
        OutputStream out = socket.getOutputStream(); // taken before the reader starts: see readStream
        x.readStream(socket);
        out.write(TopVia.pointAt(message, "TCP", socket.getLocalPort(), ".tcp-" + name));
        out.flush();
        return x;
    }

    private void readDatagrams(DatagramSocket socket) {
        daemon(() -> {
            byte[] buffer = new byte[65_535];
            while (true) {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (IOException closed) {
                    return;
                }
                received(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
            }
        });
    }

    private void readStream(Socket socket) {
        daemon(() -> {
            StringBuilder text = new StringBuilder();
            byte[] buffer = new byte[65_535];
            // Not closed here: closing a socket's stream closes the socket, and the proxy may close the
            // connection (and this thread see the end) before tcp() has finished writing.
            try {
                InputStream in = socket.getInputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    // responses from the proxy carry no body worth keeping: cut at each status line
                    Matcher m = STATUS_LINE.matcher(text);
                    List<Integer> starts = new ArrayList<>();
                    while (m.find()) {
                        starts.add(m.start());
                    }
                    int end = text.lastIndexOf("\r\n\r\n");
                    if (!starts.isEmpty() && end > starts.get(starts.size() - 1)) {
                        for (int i = 0; i < starts.size(); i++) {
                            received(text.substring(starts.get(i), i + 1 < starts.size() ? starts.get(i + 1) : end));
                        }
                        text.setLength(0);
                    }
                }
                synchronized (this) {
                    closedByProxy = true;
                    notifyAll();
                }
            } catch (IOException closedByUs) {
                // close()
            }
        });
    }

    private synchronized void received(String message) {
        Matcher m = STATUS_LINE.matcher(message);
        if (m.lookingAt() && Integer.parseInt(m.group(1)) >= 200) {
            finals.add(message);
            notifyAll();
        }
    }

    /** The distinct final status codes received, in order of first arrival (UDP retransmissions counted once). */
    synchronized List<Integer> finals() {
        List<Integer> codes = new ArrayList<>();
        for (String f : finals) {
            int code = Integer.parseInt(f.substring(8, 11));
            if (!codes.contains(code)) {
                codes.add(code);
            }
        }
        return codes;
    }

    /** The first final response with this status, as text, or null. */
    synchronized String finalResponse(int status) {
        return finals.stream().filter(f -> f.startsWith("SIP/2.0 " + status + " ")).findFirst().orElse(null);
    }

    synchronized boolean closedByProxy() {
        return closedByProxy;
    }

    /** Waits until {@link #finals()} reaches {@code expected}; true when it did. */
    boolean awaitFinals(List<Integer> expected, Duration timeout) throws InterruptedException {
        // in any order: two requests in one TCP stream are answered from different SIP threads
        return await(x -> x.finals().size() >= expected.size(), timeout)
                && finals().stream().sorted().toList().equals(expected.stream().sorted().toList());
    }

    boolean awaitClosedByProxy(Duration timeout) throws InterruptedException {
        return await(RawExchange::closedByProxy, timeout);
    }

    private synchronized boolean await(Predicate<RawExchange> done, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(this)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return true;
    }

    private static void daemon(Runnable r) {
        Thread t = new Thread(r, "raw-exchange");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() {
        for (AutoCloseable s : sockets) {
            try {
                s.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
    }
}
