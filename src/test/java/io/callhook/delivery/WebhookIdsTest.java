package io.callhook.delivery;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookIdsTest {

    /** Two first events of a Call-ID that a device used for two calls, a minute apart. */
    private static final byte[] FIRST_CALL = json("z9hG4bK-1-1-0", "2025-01-31T09:00:00.000+00:00");
    private static final byte[] SECOND_CALL = json("z9hG4bK-2-1-0", "2025-01-31T09:01:00.000+00:00");

    @Test
    void theSameEventAlwaysGetsTheSameId() {
        assertThat(WebhookIds.of("org-1", "a84b4c76e66710@pc33", 1, FIRST_CALL))
                .isEqualTo(WebhookIds.of("org-1", "a84b4c76e66710@pc33", 1, FIRST_CALL.clone()));
    }

    @Test
    void aReusedCallIdGivesTheNewCallsEventsOtherIds() {
        assertThat(WebhookIds.of("org-1", "a84b4c76e66710@pc33", 1, SECOND_CALL))
                .isNotEqualTo(WebhookIds.of("org-1", "a84b4c76e66710@pc33", 1, FIRST_CALL));
    }

    @Test
    void idsAreMsgPrefixedAndUrlSafe() {
        assertThat(WebhookIds.of("org-1", "call", 1, FIRST_CALL)).matches("msg_[A-Za-z0-9_-]{24}");
        assertThat(WebhookIds.of("", "", 0, new byte[0])).matches("msg_[A-Za-z0-9_-]{24}");
        assertThat(WebhookIds.insteadOf("msg_abc")).matches("msg_[A-Za-z0-9_-]{24}");
    }

    @Test
    void organizationCallAndSeqEachChangeTheId() {
        String id = WebhookIds.of("org-1", "call", 1, FIRST_CALL);

        assertThat(WebhookIds.of("org-2", "call", 1, FIRST_CALL)).isNotEqualTo(id);
        assertThat(WebhookIds.of("org-1", "call2", 1, FIRST_CALL)).isNotEqualTo(id);
        assertThat(WebhookIds.of("org-1", "call", 2, FIRST_CALL)).isNotEqualTo(id);
    }

    @Test
    void fieldsDoNotRunIntoEachOther() {
        assertThat(WebhookIds.of("org-1\ncall", "x", 1, FIRST_CALL))
                .isNotEqualTo(WebhookIds.of("org-1", "call\nx", 1, FIRST_CALL));
    }

    @Test
    void anIdInsteadOfATakenOneIsStableAndNew() {
        String taken = WebhookIds.of("org-1", "call", 1, FIRST_CALL);

        assertThat(WebhookIds.insteadOf(taken)).isEqualTo(WebhookIds.insteadOf(taken)).isNotEqualTo(taken);
        assertThat(WebhookIds.insteadOf(WebhookIds.insteadOf(taken))).isNotEqualTo(WebhookIds.insteadOf(taken));
    }

    @Test
    void pendingEventOfDerivesItsWebhookIdFromItsBodyToo() {
        Endpoint endpoint = new Endpoint(URI.create("https://example.com/"), null, Duration.ofSeconds(1));
        RetryPolicy retry = new RetryPolicy(List.of(Duration.ofSeconds(1)), Duration.ofHours(1), 0);

        PendingEvent event = PendingEvent.of("org-1", "call", 7, "EARLY", FIRST_CALL, endpoint, retry);

        assertThat(event.webhookId()).isEqualTo(WebhookIds.of("org-1", "call", 7, FIRST_CALL));
    }

    private static byte[] json(String branchId, String timestamp) {
        return ("{\"seq_num\":1,\"call_id\":\"a84b4c76e66710@pc33\",\"branch_id\":\"" + branchId
                + "\",\"timestamp\":\"" + timestamp + "\",\"state\":\"TRYING\",\"direction\":\"OUTBOUND\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
