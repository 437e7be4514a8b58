package io.callhook.sip;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.callhook.sip.SourceRateLimit.Verdict.DROP;
import static io.callhook.sip.SourceRateLimit.Verdict.PASS;
import static io.callhook.sip.SourceRateLimit.Verdict.REFUSE;
import static org.assertj.core.api.Assertions.assertThat;

class SourceRateLimitTest {

    final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    final SourceRateLimit limit = new SourceRateLimit(10, 20, Duration.ofSeconds(5), 3, nanos::get);

    static InetAddress ip(String a) throws Exception {
        return InetAddress.getByName(a);
    }

    List<SourceRateLimit.Verdict> send(String source, int n) throws Exception {
        List<SourceRateLimit.Verdict> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(limit.check(ip(source)));
        }
        return out;
    }

    void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void aBurstPassesThenOne503AndTheRestOfTheFloodIsDropped() throws Exception {
        List<SourceRateLimit.Verdict> verdicts = send("127.0.0.2", 1000);

        assertThat(verdicts.subList(0, 20)).containsOnly(PASS);
        assertThat(verdicts.get(20)).isEqualTo(REFUSE);
        assertThat(verdicts.subList(21, 1000)).containsOnly(DROP);
    }

    @Test
    void tokensComeBackAtTheRateAndTheSourceIsAnsweredAgainAfterRetryAfter() throws Exception {
        send("127.0.0.2", 21); // burst spent, answered once
        advance(Duration.ofMillis(100)); // one token
        assertThat(send("127.0.0.2", 2)).containsExactly(PASS, DROP);

        advance(Duration.ofSeconds(5)); // 50 tokens' worth, capped at the burst of 20
        assertThat(send("127.0.0.2", 21)).startsWith(PASS).endsWith(REFUSE).filteredOn(v -> v == PASS).hasSize(20);
    }

    @Test
    void oneSourceFloodingLeavesTheOthersTheirOwnBuckets() throws Exception {
        send("127.0.0.2", 5000);
        assertThat(send("127.0.0.3", 20)).containsOnly(PASS);
    }

    @Test
    void pastMaxSourcesNewSourcesShareOneBucketAndQuietSourcesAreForgotten() throws Exception {
        send("127.0.0.2", 1);
        send("127.0.0.3", 1);
        send("127.0.0.4", 1);
        assertThat(limit.sources()).isEqualTo(3);

        // 127.0.0.5 and .6 are beyond the table: they share the overflow bucket (20 between them)
        List<SourceRateLimit.Verdict> five = send("127.0.0.5", 15);
        List<SourceRateLimit.Verdict> six = send("127.0.0.6", 15);
        assertThat(five).containsOnly(PASS);
        assertThat(six.subList(0, 5)).containsOnly(PASS);
        assertThat(six.get(5)).isEqualTo(REFUSE);
        assertThat(limit.sources()).isEqualTo(3);

        advance(Duration.ofSeconds(2)); // every bucket full again
        limit.sweep();
        assertThat(limit.sources()).isZero();
        assertThat(send("127.0.0.6", 20)).containsOnly(PASS);
    }
}
