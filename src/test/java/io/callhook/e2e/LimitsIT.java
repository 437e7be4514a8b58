package io.callhook.e2e;

import io.callhook.config.CallhookConfig;
import io.callhook.demo.FreePorts;
import io.callhook.demo.LoopbackRig;
import io.callhook.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sip.limits} at work on a real proxy, over real UDP and TCP sockets: what a peer sees at
 * each limit, and the one log line an operator gets.
 */
class LimitsIT {

    static final CallhookConfig.Limits D = CallhookConfig.Limits.DEFAULTS;
    static final String DIALED = "sip:+358942721234@";

    @TempDir
    Path work;
    LoopbackRig rig;
    LogCapture log;

    LoopbackRig start(CallhookConfig.Limits limits) throws Exception {
        log = new LogCapture();
        // the documented directory; its device's contact is a free port nobody answers on, so a
        // forwarded INVITE stays pending (one live leg, its transactions) for the whole test
        rig = LoopbackRig.builder(work).upstreamPort(FreePorts.udpAndTcp()).limits(limits).start();
        return rig;
    }

    @AfterEach
    void stop() {
        if (rig != null) {
            rig.close();
        }
        if (log != null) {
            log.close();
        }
    }

    static CallhookConfig.Limits limits(int maxMessageSize, Duration tcpReadTimeout, int maxLiveLegs,
                                        int maxTransactions, int perSourceRate, int perSourceBurst) {
        return new CallhookConfig.Limits(maxMessageSize, tcpReadTimeout, D.maxTcpConnections(), maxLiveLegs,
                maxTransactions, D.maxQueueDelay(), D.udpQueue(), Duration.ofSeconds(7), perSourceRate, perSourceBurst,
                D.perSourcePackets());
    }

    List<String> lines(String containing) {
        return log.lines().stream().filter(l -> l.contains(containing)).toList();
    }

    @Test
    void responsesOverUdpComeFromTheListeningPort() throws Exception {
        start(D);
        try (RawSip phone = new RawSip("127.0.0.1", LoopbackRig.HOST, rig.proxyPort())) {
            phone.send(phone.request("INVITE", DIALED + rig.proxy(), "mf0", null, 0, ""));
            RawSip.Received answer = phone.finalResponse(Duration.ofSeconds(5));
            assertThat(answer.status()).isEqualTo(483);
            assertThat(answer.fromPort()).isEqualTo(rig.proxyPort());
        }
    }

    @Test
    void aDatagramOfMaxMessageSizeOrMoreIsDroppedLoggedOnceAndTheNextRequestIsServed() throws Exception {
        start(limits(4096, D.tcpReadTimeout(), D.maxLiveLegs(), D.maxTransactions(), D.perSourceRate(),
                D.perSourceBurst()));
        try (RawSip phone = new RawSip("127.0.0.1", LoopbackRig.HOST, rig.proxyPort())) {
            String padding = "X-Padding: " + "a".repeat(5000) + "\r\n";
            for (int i = 0; i < 3; i++) {
                phone.send(phone.request("INVITE", DIALED + rig.proxy(), "big" + i, null, 0, padding));
            }
            assertThat(phone.receiveUntilQuiet(Duration.ofMillis(1500))).as("no answer to a cut-short datagram").isEmpty();

            phone.send(phone.request("INVITE", DIALED + rig.proxy(), "small", null, 0, ""));
            assertThat(phone.finalResponse(Duration.ofSeconds(5)).status()).isEqualTo(483);
        }
        assertThat(lines("limit=max_message_size")).hasSize(1);
        assertThat(lines("limit=max_message_size").get(0))
                .contains("from 127.0.0.1", "filled the 4096-byte receive buffer: dropped");
    }

    @Test
    void aTcpMessageOverMaxMessageSizeClosesItsConnection() throws Exception {
        start(limits(4096, D.tcpReadTimeout(), D.maxLiveLegs(), D.maxTransactions(), D.perSourceRate(),
                D.perSourceBurst()));
        try (Socket tcp = new Socket()) {
            tcp.connect(new InetSocketAddress(LoopbackRig.HOST, rig.proxyPort()), 2000);
            tcp.setSoTimeout(10_000);
            String big = "INVITE " + DIALED + rig.proxy() + " SIP/2.0\r\n"
                    + "Via: SIP/2.0/TCP 127.0.0.1:" + tcp.getLocalPort() + ";branch=z9hG4bK-big\r\n"
                    + "X-Padding: " + "a".repeat(6000) + "\r\n"
                    + "Max-Forwards: 70\r\nCall-ID: big@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
                    + "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:b@127.0.0.1>\r\nContent-Length: 0\r\n\r\n";
            OutputStream out = tcp.getOutputStream();
            out.write(big.getBytes(StandardCharsets.UTF_8));
            out.flush();
            assertThat(readUntilClosed(tcp.getInputStream())).as("no response, the connection closed").isEmpty();
        }
        assertThat(rig.callhook().tracker().liveLegs()).isZero();
    }

    @Test
    void aTcpMessageLeftUnfinishedClosesItsConnectionAfterTheReadTimeout() throws Exception {
        start(limits(D.maxMessageSize(), Duration.ofSeconds(1), D.maxLiveLegs(), D.maxTransactions(),
                D.perSourceRate(), D.perSourceBurst()));
        try (Socket tcp = new Socket()) {
            tcp.connect(new InetSocketAddress(LoopbackRig.HOST, rig.proxyPort()), 2000);
            tcp.setSoTimeout(10_000);
            OutputStream out = tcp.getOutputStream();
            out.write(("OPTIONS " + DIALED + rig.proxy() + " SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;branch=z9hG4bK-slow\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            long started = System.nanoTime();
            assertThat(readUntilClosed(tcp.getInputStream())).isEmpty();
            long ms = (System.nanoTime() - started) / 1_000_000;
            assertThat(ms).as("closed after about tcp_read_timeout").isBetween(500L, 8_000L);
        }
    }

    @Test
    void atMaxLiveLegsNewInvitesGet503WithRetryAfterButInDialogRequestsStillPass() throws Exception {
        start(limits(D.maxMessageSize(), D.tcpReadTimeout(), 1, D.maxTransactions(), D.perSourceRate(),
                D.perSourceBurst()));
        try (RawSip phone = new RawSip("127.0.0.1", LoopbackRig.HOST, rig.proxyPort())) {
            phone.send(phone.request("INVITE", DIALED + rig.proxy(), "first", null, 70, ""));
            awaitLiveLegs(1);

            phone.send(phone.request("INVITE", DIALED + rig.proxy(), "second", null, 70, ""));
            RawSip.Received refused = phone.finalResponse(Duration.ofSeconds(5));
            assertThat(refused.statusLine()).isEqualTo("SIP/2.0 503 Service Unavailable");
            assertThat(refused.header("Retry-After")).isEqualTo("7");

            phone.send(phone.request("BYE", DIALED + rig.proxy(), "other-dialog", "their-tag", 70, ""));
            assertThat(phone.finalResponse(Duration.ofSeconds(5)).status()).as("a BYE is never refused by limits")
                    .isNotEqualTo(503);
        }
        assertThat(rig.callhook().tracker().liveLegs()).isEqualTo(1);
        assertThat(lines("limit=max_live_legs")).hasSize(1);
        assertThat(lines("limit=max_live_legs").get(0)).contains("1 live legs (max_live_legs 1): new INVITEs get 503");
    }

    @Test
    void theAckForOurOwn503IsAbsorbedNotForwarded() throws Exception {
        int devicePort = FreePorts.udpAndTcp();
        log = new LogCapture();
        rig = LoopbackRig.builder(work).devicePort(devicePort).upstreamPort(FreePorts.udpAndTcp())
                .limits(limits(D.maxMessageSize(), D.tcpReadTimeout(), 1, D.maxTransactions(), D.perSourceRate(),
                        D.perSourceBurst())).start();
        try (RawSip phone = new RawSip("127.0.0.1", LoopbackRig.HOST, rig.proxyPort());
             DatagramSocket device = new DatagramSocket(new InetSocketAddress(LoopbackRig.HOST, devicePort))) {
            phone.send(phone.request("INVITE", DIALED + rig.proxy(), "first", null, 70, ""));
            awaitLiveLegs(1);
            phone.send(phone.request("INVITE", DIALED + rig.proxy(), "second", null, 70, ""));
            RawSip.Received refused = phone.finalResponse(Duration.ofSeconds(5));
            assertThat(refused.status()).isEqualTo(503);
            String toTag = refused.header("To").replaceAll(".*;tag=", "");
            // sent to where a forwarded ACK would go (the device), so only the absorption keeps it off the device
            phone.send(phone.request("ACK", "sip:setera.test@127.0.0.1:" + devicePort, "second", toTag, 70, ""));

            device.setSoTimeout(1500);
            byte[] buffer = new byte[65_535];
            long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < deadline) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    device.receive(p);
                } catch (java.net.SocketTimeoutException e) {
                    break;
                }
                String got = new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
                assertThat(got).as("the device gets the first INVITE only").startsWith("INVITE ")
                        .contains("raw-first@");
            }
        }
    }

    @Test
    void pastMaxTcpConnectionsANewConnectionWaitsUntilOneCloses() throws Exception {
        start(new CallhookConfig.Limits(D.maxMessageSize(), D.tcpReadTimeout(), 2, D.maxLiveLegs(),
                D.maxTransactions(), D.maxQueueDelay(), D.udpQueue(), D.retryAfter(), D.perSourceRate(),
                D.perSourceBurst(), D.perSourcePackets()));
        Socket first = tcp();
        Socket second = tcp();
        try (Socket third = tcp()) {
            assertThat(tcpExchange(first, "one")).startsWith("SIP/2.0 483");
            assertThat(tcpExchange(second, "two")).startsWith("SIP/2.0 483");
            third.setSoTimeout(2000);
            send(third, "three");
            assertThat(readStatusLine(third)).as("not served while 2 connections are open").isNull();

            first.close();
            third.setSoTimeout(10_000);
            assertThat(readStatusLine(third)).as("served once one closed").startsWith("SIP/2.0 483");
        } finally {
            second.close();
        }
    }

    private Socket tcp() throws Exception {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(LoopbackRig.HOST, rig.proxyPort()), 2000);
        s.setSoTimeout(10_000);
        return s;
    }

    private void send(Socket s, String id) throws Exception {
        String m = "INVITE " + DIALED + rig.proxy() + ";transport=tcp SIP/2.0\r\n"
                + "Via: SIP/2.0/TCP 127.0.0.1:" + s.getLocalPort() + ";branch=z9hG4bK-tcp-" + id + "\r\n"
                + "Max-Forwards: 0\r\nCall-ID: tcp-" + id + "@127.0.0.1\r\nCSeq: 1 INVITE\r\n"
                + "From: <sip:a@127.0.0.1>;tag=" + id + "\r\nTo: <sip:b@127.0.0.1>\r\n"
                + "Contact: <sip:a@127.0.0.1:" + s.getLocalPort() + ";transport=tcp>\r\nContent-Length: 0\r\n\r\n";
        s.getOutputStream().write(m.getBytes(StandardCharsets.UTF_8));
        s.getOutputStream().flush();
    }

    private String tcpExchange(Socket s, String id) throws Exception {
        send(s, id);
        return readStatusLine(s);
    }

    /** The first status line read, or null when nothing came before the socket's timeout. */
    private static String readStatusLine(Socket s) throws Exception {
        StringBuilder line = new StringBuilder();
        InputStream in = s.getInputStream();
        try {
            int c;
            while ((c = in.read()) >= 0) {
                if (c == '\n') {
                    String l = line.toString().strip();
                    if (l.startsWith("SIP/2.0 ")) {
                        return l;
                    }
                    line.setLength(0);
                } else {
                    line.append((char) c);
                }
            }
        } catch (SocketTimeoutException e) {
            return null;
        }
        return null;
    }

    @Test
    void atMaxTransactionsNewInvitesGet503() throws Exception {
        start(limits(D.maxMessageSize(), D.tcpReadTimeout(), D.maxLiveLegs(), 2, D.perSourceRate(),
                D.perSourceBurst()));
        try (RawSip phone = new RawSip("127.0.0.1", LoopbackRig.HOST, rig.proxyPort())) {
            phone.send(phone.request("INVITE", DIALED + rig.proxy(), "first", null, 70, ""));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (rig.callhook().liveSipTransactions() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(rig.callhook().liveSipTransactions()).as("its server and client transactions").isEqualTo(2);

            phone.send(phone.request("INVITE", DIALED + rig.proxy(), "second", null, 70, ""));
            assertThat(phone.finalResponse(Duration.ofSeconds(5)).status()).isEqualTo(503);
        }
        assertThat(lines("limit=max_transactions")).hasSize(1);
    }

    @Test
    void aSourceOverItsRateGetsOne503AndThenSilenceWhileATrustedPeerIsServed() throws Exception {
        start(limits(D.maxMessageSize(), D.tcpReadTimeout(), D.maxLiveLegs(), D.maxTransactions(), 1, 2));
        try (RawSip flooder = new RawSip(LoopbackRig.UNTRUSTED_HOST, LoopbackRig.HOST, rig.proxyPort());
             RawSip trusted = new RawSip("127.0.0.1", LoopbackRig.HOST, rig.proxyPort())) {
            for (int i = 0; i < 50; i++) {
                flooder.send(flooder.request("INVITE", DIALED + rig.proxy(), "flood" + i, null, 70, ""));
            }
            List<RawSip.Received> answers = flooder.receiveUntilQuiet(Duration.ofMillis(1500));
            assertThat(answers).extracting(RawSip.Received::status)
                    .as("the burst of 2 reaches access control (407), then one 503, then nothing")
                    .containsExactlyInAnyOrder(407, 407, 503);
            RawSip.Received refusal = answers.stream().filter(r -> r.status() == 503).findFirst().orElseThrow();
            assertThat(refusal.header("Retry-After")).isEqualTo("7");
            assertThat(refusal.header("To")).contains(";tag=chl503");

            trusted.send(trusted.request("INVITE", DIALED + rig.proxy(), "trusted", null, 0, ""));
            assertThat(trusted.finalResponse(Duration.ofSeconds(5)).status()).as("a trusted peer is not rate limited")
                    .isEqualTo(483);
        }
        assertThat(lines("limit=per_source_rate")).hasSize(1);
        assertThat(lines("limit=per_source_rate").get(0)).contains("127.0.0.2 sent more than 1 initial requests/s");
    }

    private void awaitLiveLegs(int n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (rig.callhook().tracker().liveLegs() < n && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(rig.callhook().tracker().liveLegs()).isEqualTo(n);
    }

    /** What the peer sent before closing the connection; fails if it stays open 10 s. */
    private static String readUntilClosed(InputStream in) throws Exception {
        StringBuilder got = new StringBuilder();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                got.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the connection stayed open; received: " + got);
        } catch (java.net.SocketException reset) {
            // closed with a reset: closed all the same
        }
        return got.toString();
    }
}
