package io.callhook.delivery;

import java.util.Objects;

/**
 * One encoded event waiting to be delivered to its organization's endpoint.
 *
 * <p>The body is the final JSON, encoded once upstream and sent as-is on every attempt; it is not
 * copied, so nobody may modify the array after handing it over.
 *
 * @param organizationId whose event this is; with {@code callId} it names the delivery lane
 * @param callId         the SIP Call-ID the event belongs to
 * @param seqNum         position of the event within its call; the outbox keeps append order, which
 *                       upstream (the tracker's lane) makes equal to seq order
 * @param state          the leg state the event reports (for operators; not interpreted here)
 * @param body           the JSON bytes to POST
 * @param endpoint       where to POST them (and the signing secret); not stored: an event read back
 *                       from the outbox gets its organization's current endpoint
 * @param retry          how to retry when the endpoint does not take them
 * @param webhookId      the {@code webhook-id} header: computed once by {@link #of} and stored in the
 *                       outbox, which sends it again (retries, restarts, replays) as stored
 */
public record PendingEvent(String organizationId, String callId, long seqNum, String state, byte[] body,
                           Endpoint endpoint, RetryPolicy retry, String webhookId) {

    public PendingEvent {
        Objects.requireNonNull(organizationId, "organizationId");
        Objects.requireNonNull(callId, "callId");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(webhookId, "webhookId");
    }

    /**
     * A new event, its {@code webhookId} derived with {@link WebhookIds#of} from the organization,
     * Call-ID, seq_num and body (so a reused Call-ID still gives new ids).
     */
    public static PendingEvent of(String organizationId, String callId, long seqNum, String state, byte[] body,
                                  Endpoint endpoint, RetryPolicy retry) {
        Objects.requireNonNull(body, "body");
        return new PendingEvent(organizationId, callId, seqNum, state, body, endpoint, retry,
                WebhookIds.of(organizationId, callId, seqNum, body));
    }
}
