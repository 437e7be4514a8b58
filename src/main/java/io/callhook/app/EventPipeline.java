package io.callhook.app;

import io.callhook.call.Leg;
import io.callhook.call.LegInfo;
import io.callhook.call.Transition;
import io.callhook.delivery.Outbox;
import io.callhook.delivery.PendingEvent;
import io.callhook.delivery.Route;
import io.callhook.directory.Directory;
import io.callhook.directory.Organization;
import io.callhook.event.CallEvent;
import io.callhook.event.EventEncoder;
import io.callhook.event.Privacy;
import io.callhook.tracker.LegEvent;
import io.callhook.tracker.LegEventSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Turns a published leg transition into the organization's event — privacy applied, encoded once —
 * and appends it to the outbox. Runs on the SIP thread inside the call's lane: memory only, no I/O
 * (the outbox queues the write for its writer thread).
 */
final class EventPipeline implements LegEventSink {

    private static final Logger LOG = LoggerFactory.getLogger(EventPipeline.class);
    private final Directory directory;
    private final Outbox outbox;

    EventPipeline(Directory directory, Outbox outbox) {
        this.directory = directory;
        this.outbox = outbox;
    }

    @Override
    public void accept(LegEvent e) {
        Leg leg = e.leg();
        LegInfo info = leg.info();
        Optional<Organization> org = directory.organization(info.organizationId());
        if (org.isEmpty()) {
            LOG.warn("call_id={} organization {} is no longer in the directory: event seq={} dropped",
                    leg.key().callId(), info.organizationId(), e.seqNum());
            return;
        }
        CallEvent event = Privacy.apply(toCallEvent(e), org.get().privacy());
        Route route = WebhookRoutes.of(org.get().webhook());
        outbox.append(PendingEvent.of(info.organizationId(), leg.key().callId(), e.seqNum(),
                event.state().name(), EventEncoder.encode(event), route.endpoint(), route.retry()));
    }

    static CallEvent toCallEvent(LegEvent e) {
        Leg leg = e.leg();
        LegInfo info = leg.info();
        Transition t = e.transition();
        return new CallEvent(info.organizationId(), e.seqNum(), leg.key().callId(), leg.key().branchId(), t.at(),
                t.state(), t.reason(), info.direction(),
                info.local().email(), info.local().userId(), info.local().number(),
                info.deviceType() == null ? null : info.deviceType().name(),
                info.remote().email(), info.remote().userId(), info.remote().number());
    }
}
