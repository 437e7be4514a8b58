package io.callhook.admin;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class HealthTest {

    @Test
    void everyCheckPassingIs200AndUp() {
        Health.Answer a = new Health(List.of(new HealthCheck("sip", Optional::empty))).evaluate();
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.json()).isEqualTo("{\"status\":\"UP\",\"checks\":{\"sip\":\"UP\"}}\n");
    }

    @Test
    void oneFailingCheckIs503AndSaysWhy() {
        Health.Answer a = new Health(List.of(new HealthCheck("sip", Optional::empty),
                new HealthCheck("outbox", () -> Optional.of("disk \"full\"")))).evaluate();
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.json()).isEqualTo("{\"status\":\"DOWN\",\"checks\":{\"sip\":\"UP\",\"outbox\":\"disk \\\"full\\\"\"}}\n");
    }

    @Test
    void aCheckThatThrowsCountsAsDown() {
        Health.Answer a = new Health(List.of(new HealthCheck("sip", () -> {
            throw new IllegalStateException("boom");
        }))).evaluate();
        assertThat(a.status()).isEqualTo(503);
        assertThat(a.json()).contains("check failed");
    }
}
