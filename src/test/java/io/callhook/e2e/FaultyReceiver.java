package io.callhook.e2e;

import io.callhook.demo.LocalCertificates;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver that misbehaves in one chosen way, on a real socket: the faults of README
 * "Webhook endpoints that misbehave". Every connection gets a thread of its own (the client's pool
 * bounds how many there are) and is counted while it is open.
 */
final class FaultyReceiver implements AutoCloseable {

    /** How the receiver misbehaves. */
    enum Fault {
        /** Reads the POST, answers 200 with {@code Content-Length: 40 MiB} and streams that much. */
        HUGE_BODY(true),
        /** Reads the POST, answers 200 chunked and sends 8 KiB chunks for as long as the client reads. */
        ENDLESS_CHUNKED_BODY(true),
        /** Completes TLS, reads the POST, then says nothing and holds the connection. */
        NEVER_ANSWERS(true),
        /** Completes TLS, reads the POST, then resets the connection (SO_LINGER 0, close). */
        RESETS_AFTER_THE_REQUEST(true),
        /** Resets every connection as soon as it is accepted, before TLS. */
        RESETS_ON_CONNECT(false),
        /** Completes TLS, reads the POST, then sends bytes that are not HTTP, then closes. */
        GARBAGE_INSTEAD_OF_HTTP(true),
        /** Sends bytes that are not TLS as soon as the connection is accepted. */
        GARBAGE_INSTEAD_OF_TLS(false),
        /** Presents a certificate of the trusted CA that names another host (localhost, 127.0.0.1; we are 127.0.0.2). */
        CERTIFICATE_FOR_ANOTHER_HOST(true),
        /** Presents a certificate for the right host from a CA callhook does not trust. */
        CERTIFICATE_FROM_AN_UNTRUSTED_CA(true);

        final boolean tls;

        Fault(boolean tls) {
            this.tls = tls;
        }
    }

    static final int HUGE_BODY_BYTES = 40 * 1024 * 1024;
    private static final byte[] GARBAGE = garbage();

    private final Fault fault;
    private final ServerSocket server;
    private final SSLContext tls;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicInteger accepted = new AtomicInteger();
    private final AtomicInteger requestsRead = new AtomicInteger();
    private final AtomicLong bodyBytesSent = new AtomicLong();
    private final AtomicLong cpuNanos = new AtomicLong();
    private volatile boolean closed;

    /**
     * @param trusted the certificates whose CA callhook trusts (the org's {@code ca_file})
     */
    FaultyReceiver(Fault fault, LocalCertificates trusted) throws IOException {
        this.fault = fault;
        this.tls = fault == Fault.CERTIFICATE_FROM_AN_UNTRUSTED_CA
                ? LocalCertificates.generate().serverSslContext()
                : trusted.serverSslContext();
        InetAddress address = InetAddress.getByName(
                fault == Fault.CERTIFICATE_FOR_ANOTHER_HOST ? "127.0.0.2" : "127.0.0.1");
        server = new ServerSocket();
        server.bind(new InetSocketAddress(address, 0), 200);
        Thread acceptor = new Thread(this::acceptLoop, "faulty-receiver-" + fault.name().toLowerCase(Locale.ROOT));
        acceptor.setDaemon(true);
        acceptor.start();
    }

    URI url() {
        return URI.create("https://" + server.getInetAddress().getHostAddress() + ":" + port() + "/hooks/calls");
    }

    int port() {
        return server.getLocalPort();
    }

    int connectionsAccepted() {
        return accepted.get();
    }

    /** Connections this receiver holds open right now. */
    int connectionsOpen() {
        return open.size();
    }

    int requestsRead() {
        return requestsRead.get();
    }

    long bodyBytesSent() {
        return bodyBytesSent.get();
    }

    /** CPU the connection threads used, counted as each ends: the receiver's share of this JVM. */
    long cpuMillis() {
        return cpuNanos.get() / 1_000_000;
    }

    private void acceptLoop() {
        while (!closed) {
            Socket raw;
            try {
                raw = server.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            open.add(raw);
            Thread t = new Thread(() -> serve(raw), "faulty-connection");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(Socket raw) {
        try {
            raw.setSoTimeout(60_000); // a bound for the test's threads, far beyond any attempt
            // A remote receiver's bytes cost it, not callhook; here it shares the CPU with callhook, so
            // it must not encrypt megabytes into loopback's auto-tuned buffers ahead of the reader.
            raw.setSendBufferSize(64 * 1024);
            switch (fault) {
                case RESETS_ON_CONNECT -> reset(raw);
                case GARBAGE_INSTEAD_OF_TLS -> {
                    raw.getOutputStream().write(GARBAGE);
                    raw.getOutputStream().flush();
                    drain(raw.getInputStream());
                }
                default -> serveTls(raw);
            }
        } catch (IOException | RuntimeException e) {
            // the client gave up, as it should: nothing to do
        } finally {
            close(raw);
            cpuNanos.addAndGet(ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime());
        }
    }

    private void serveTls(Socket raw) throws IOException {
        SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(raw, raw.getInetAddress().getHostAddress(),
                raw.getPort(), true);
        socket.setUseClientMode(false);
        InputStream in = socket.getInputStream();
        readRequest(in); // the handshake happens here; a client that refuses our certificate ends it
        requestsRead.incrementAndGet();
        OutputStream out = socket.getOutputStream();
        switch (fault) {
            case HUGE_BODY -> {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + HUGE_BODY_BYTES
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = new byte[16 * 1024];
                Arrays.fill(chunk, (byte) 'x');
                for (int sent = 0; sent < HUGE_BODY_BYTES; sent += chunk.length) {
                    out.write(chunk);
                    bodyBytesSent.addAndGet(chunk.length);
                }
                out.flush();
                drain(in);
            }
            case ENDLESS_CHUNKED_BODY -> {
                out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                byte[] chunk = ("2000\r\n" + "y".repeat(0x2000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                while (!closed) { // ends when the client closes (a write fails)
                    out.write(chunk);
                    bodyBytesSent.addAndGet(0x2000);
                }
            }
            case NEVER_ANSWERS -> drain(in);
            case RESETS_AFTER_THE_REQUEST -> reset(raw);
            case GARBAGE_INSTEAD_OF_HTTP -> {
                out.write(GARBAGE);
                out.flush();
            }
            default -> throw new IllegalStateException("the client accepted a certificate it must refuse: " + fault);
        }
    }

    /** Reads one request head and its Content-Length body. */
    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        byte[] end = {'\r', '\n', '\r', '\n'};
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed before the end of the request head");
            }
            head.write(b);
            matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        in.readNBytes(length);
    }

    /** Reads until the client closes: the connection stays open exactly as long as the client keeps it. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[8192];
        while (in.read(buffer) >= 0) {
            // discard
        }
    }

    private static void reset(Socket raw) throws IOException {
        raw.setSoLinger(true, 0);
        raw.close();
    }

    private void close(Socket raw) {
        open.remove(raw);
        try {
            raw.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Neither an HTTP status line nor a TLS record: binary noise with a stray CR LF or two. */
    private static byte[] garbage() {
        byte[] bytes = new byte[4096];
        new java.util.Random(20240601).nextBytes(bytes);
        bytes[0] = 0x00; // not 'H', and not a TLS content type (20..24)
        bytes[100] = '\r';
        bytes[101] = '\n';
        return bytes;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : open) {
            close(s);
        }
    }
}
