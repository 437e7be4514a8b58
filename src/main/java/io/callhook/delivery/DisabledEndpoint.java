package io.callhook.delivery;

import java.net.URI;
import java.time.Instant;

/**
 * An endpoint that answered 410 Gone: its organization's events to this URL are dead at once,
 * without an attempt, until the URL changes in the directory, an event replayed after
 * {@code since} arrives, or callhook restarts.
 */
record DisabledEndpoint(URI url, Instant since) {}
