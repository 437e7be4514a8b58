package io.callhook.app;

import io.callhook.delivery.Endpoint;
import io.callhook.delivery.RetryPolicy;
import io.callhook.delivery.Route;
import io.callhook.delivery.Routes;
import io.callhook.directory.Directory;
import io.callhook.directory.Organization;
import io.callhook.directory.Webhook;

import java.util.Optional;

/** An organization's webhook, from the directory, as delivery's {@link Route}. Thread-safe (cache hits). */
final class WebhookRoutes implements Routes {

    /** ±20 % around each retry delay, so a recovering endpoint is not hit by every lane at once. */
    static final double RETRY_JITTER = 0.2;

    private final Directory directory;

    WebhookRoutes(Directory directory) {
        this.directory = directory;
    }

    @Override
    public Optional<Route> route(String organizationId) {
        return directory.organization(organizationId).map(Organization::webhook).map(WebhookRoutes::of);
    }

    static Route of(Webhook webhook) {
        return new Route(new Endpoint(webhook.url(), webhook.caFile(), webhook.timeout(), webhook.secret()),
                new RetryPolicy(webhook.retrySchedule(), webhook.maxAge(), RETRY_JITTER));
    }
}
