package io.callhook.admin;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code callhook_outbox_pruned_total}, as a Prometheus scrape shows it. */
class OutboxPrunedMetricTest {

    @Test
    void theCounterIsScrapedFromStartAndAddsUpEveryPrunedChunk() {
        try (CallhookMetrics metrics = new CallhookMetrics()) {
            assertThat(metrics.scrape()).contains("\ncallhook_outbox_pruned_total 0.0\n");

            metrics.pruned(5_000);
            metrics.pruned(12);

            assertThat(metrics.scrape()).contains("# TYPE callhook_outbox_pruned_total counter")
                    .contains("\ncallhook_outbox_pruned_total 5012.0\n");
        }
    }
}
