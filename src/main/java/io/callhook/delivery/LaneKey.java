package io.callhook.delivery;

/** Names one delivery lane: the events of one call of one organization, delivered in order. */
record LaneKey(String organizationId, String callId) {

    static LaneKey of(PendingEvent event) {
        return new LaneKey(event.organizationId(), event.callId());
    }
}
