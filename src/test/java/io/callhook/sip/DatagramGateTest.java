package io.callhook.sip;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.DatagramPacket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class DatagramGateTest {

    final AtomicLong nanos = new AtomicLong(1);
    final IntervalLog log = new IntervalLog(LoggerFactory.getLogger("test.gate"), Duration.ofSeconds(60));
    final DatagramGate gate = new DatagramGate(new SourceRateLimit(100, 200, Duration.ofSeconds(5), 100, nanos::get),
            a -> a.getHostAddress().equals("127.0.0.1"), 400, log);

    static DatagramPacket packet(String from, String text) throws Exception {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        DatagramPacket p = new DatagramPacket(bytes, bytes.length);
        p.setAddress(InetAddress.getByName(from));
        p.setPort(5060);
        return p;
    }

    int admitted(String from, String text, int n, long waited) throws Exception {
        int passed = 0;
        for (int i = 0; i < n; i++) {
            passed += gate.admit(packet(from, text), waited) ? 1 : 0;
        }
        return passed;
    }

    @Test
    void anUntrustedSourceGetsItsBurstThenItsRateAndTheRestIsDroppedUnread() throws Exception {
        assertThat(admitted("127.0.0.2", "garbage", 10_000, 0)).isEqualTo(200);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(admitted("127.0.0.2", "garbage", 10_000, 0)).isEqualTo(100);
        assertThat(log.total("per_source_packets")).isEqualTo(19_700);
    }

    @Test
    void aTrustedPeerIsNeverCountedPerSource() throws Exception {
        assertThat(admitted("127.0.0.1", "SIP/2.0 200 OK", 10_000, 0)).isEqualTo(10_000);
    }

    @Test
    void underOverloadNewInvitesAreShedAndEverythingElsePasses() throws Exception {
        assertThat(admitted("127.0.0.1", "INVITE sip:a@b SIP/2.0", 10, 401)).isZero();
        assertThat(admitted("127.0.0.1", "SIP/2.0 180 Ringing", 10, 401)).isEqualTo(10);
        assertThat(admitted("127.0.0.1", "BYE sip:a@b SIP/2.0", 10, 401)).isEqualTo(10);
        assertThat(admitted("127.0.0.1", "INVITE sip:a@b SIP/2.0", 10, 400)).as("at twice max_queue_delay, not over")
                .isEqualTo(10);
        assertThat(log.total("overload_shed")).isEqualTo(10);
    }
}
