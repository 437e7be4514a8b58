package io.callhook.delivery;

import java.util.Objects;

/** Where an organization's events go now and how they are retried: what a stored event is sent with. */
public record Route(Endpoint endpoint, RetryPolicy retry) {
    public Route {
        Objects.requireNonNull(endpoint, "endpoint");
        Objects.requireNonNull(retry, "retry");
    }
}
