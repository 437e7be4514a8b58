package io.callhook.sip;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class Slf4jStackLoggerTest {

    @Test
    void malformedPacketsOfOneKindShareAKindWhateverTheirBytes() {
        String a = "Error while processing incoming UDP packet[86, 105, 97, 58]";
        String b = "Error while processing incoming UDP packet[73, 78, 86]";
        NullPointerException npe = new NullPointerException();
        assertThat(Slf4jStackLogger.kind(a, npe)).isEqualTo(Slf4jStackLogger.kind(b, npe))
                .isEqualTo("Error while processing incoming UDP packet java.lang.NullPointerException");
        assertThat(Slf4jStackLogger.kind(a, new IllegalStateException())).isNotEqualTo(Slf4jStackLogger.kind(a, npe));
    }

    @Test
    void aPacketDumpIsCutShort() {
        String dump = "Error while processing incoming UDP packet" + "[1, 2, 3, ".repeat(1000) + "]";
        assertThat(Slf4jStackLogger.shorten(dump)).hasSizeLessThan(200).endsWith("(" + dump.length() + " chars)");
        assertThat(Slf4jStackLogger.shorten("short")).isEqualTo("short");
    }
}
