package io.callhook.delivery;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookIdsTest {

    @Test
    void theSameEventAlwaysGetsTheSameId() {
        assertThat(WebhookIds.of("org-1", "a84b4c76e66710@pc33", 3))
                .isEqualTo(WebhookIds.of("org-1", "a84b4c76e66710@pc33", 3));
    }

    @Test
    void idsAreMsgPrefixedAndUrlSafe() {
        assertThat(WebhookIds.of("org-1", "call", 1)).matches("msg_[A-Za-z0-9_-]{24}");
    }

    @Test
    void organizationCallAndSeqEachChangeTheId() {
        String id = WebhookIds.of("org-1", "call", 1);

        assertThat(WebhookIds.of("org-2", "call", 1)).isNotEqualTo(id);
        assertThat(WebhookIds.of("org-1", "call2", 1)).isNotEqualTo(id);
        assertThat(WebhookIds.of("org-1", "call", 2)).isNotEqualTo(id);
    }

    @Test
    void pendingEventOfDerivesItsWebhookId() {
        Endpoint endpoint = new Endpoint(URI.create("https://example.com/"), null, Duration.ofSeconds(1));
        RetryPolicy retry = new RetryPolicy(List.of(Duration.ofSeconds(1)), Duration.ofHours(1), 0);

        PendingEvent event = PendingEvent.of("org-1", "call", 7, "EARLY", new byte[0], endpoint, retry);

        assertThat(event.webhookId()).isEqualTo(WebhookIds.of("org-1", "call", 7));
    }
}
