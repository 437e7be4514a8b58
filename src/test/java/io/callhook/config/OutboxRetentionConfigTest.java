package io.callhook.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code outbox.keep_delivered}: how long delivered events stay in the outbox file. */
class OutboxRetentionConfigTest {

    @TempDir
    Path dir;

    private Path write(String outboxSection) throws IOException {
        Path file = dir.resolve("callhook.yaml");
        Files.writeString(file, """
                sip: { listen: ["udp:127.0.0.1:5060"] }
                directory: { file: config/directory.yaml }
                """ + outboxSection);
        return file;
    }

    private CallhookConfig.Outbox outbox(String outboxSection) throws Exception {
        return ConfigLoader.load(write(outboxSection)).outbox();
    }

    @Test
    void deliveredEventsAreKeptSevenDaysByDefault() throws Exception {
        assertThat(outbox("").keepDelivered()).isEqualTo(Duration.ofDays(7));
        assertThat(outbox("outbox: { path: data/x.db }\n").keepDelivered()).isEqualTo(Duration.ofDays(7));
        assertThat(outbox("").prunes()).isTrue();
        assertThat(ConfigLoader.load(Path.of("config/callhook.yaml")).outbox().keepDelivered())
                .as("the shipped configuration").isEqualTo(Duration.ofDays(7));
    }

    @Test
    void anyDurationSetsTheRetention() throws Exception {
        assertThat(outbox("outbox: { keep_delivered: 36h }\n").keepDelivered()).isEqualTo(Duration.ofHours(36));
        assertThat(outbox("outbox:\n  keep_delivered: 30d\n").keepDelivered()).isEqualTo(Duration.ofDays(30));
        assertThat(outbox("outbox: { keep_delivered: 90s }\n").keepDelivered()).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void zeroKeepsDeliveredEventsForever() throws Exception {
        for (String zero : List.of("0", "0s", "0d", "\"0\"")) {
            CallhookConfig.Outbox outbox = outbox("outbox: { keep_delivered: " + zero + " }\n");
            assertThat(outbox.keepDelivered()).as(zero).isZero();
            assertThat(outbox.prunes()).as(zero).isFalse();
        }
    }

    @Test
    void aBadRetentionIsReportedWithItsFileLineAndKey() throws IOException {
        Path file = write("""
                outbox:
                  path: data/outbox.db
                  keep_delivered: 7 days
                """);

        assertThatThrownBy(() -> ConfigLoader.load(file)).isInstanceOfSatisfying(ConfigException.class, e -> {
            ConfigProblems.assertWellFormed(e, file.toString());
            assertThat(e.problems()).extracting(ConfigProblem::toString).containsExactly(file + ":5: "
                    + "outbox.keep_delivered: bad duration \"7 days\": use a number and ms, s, m, h or d, "
                    + "or 0 to keep delivered events forever");
        });
    }

    @Test
    void negativeOrListValuesAreRefusedToo() throws IOException {
        for (String bad : List.of("-1d", "[7d]", "{ days: 7 }", "forever")) {
            Path file = write("outbox: { keep_delivered: " + bad + " }\n");
            assertThatThrownBy(() -> ConfigLoader.load(file)).as(bad)
                    .isInstanceOfSatisfying(ConfigException.class, e -> {
                        ConfigProblems.assertWellFormed(e, file.toString());
                        assertThat(e.problems()).singleElement().asString()
                                .startsWith(file + ":3: outbox.keep_delivered: ");
                    });
        }
    }
}
