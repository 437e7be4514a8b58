package io.callhook.delivery;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one HTTP POST. The seam between the delivery logic (ordering, retries, outbox) and the
 * wire. Implementations never block the caller; the future fails with an exception for connection
 * errors, TLS failures and timeouts (each attempt bounded by {@link Endpoint#timeout()}).
 */
public interface Transport extends AutoCloseable {

    CompletableFuture<HttpResult> post(Endpoint endpoint, Map<String, String> headers, byte[] body);

    /**
     * How many requests to one endpoint this transport carries at once (its connections per
     * endpoint). The dispatcher starts no more attempts than that, so that an attempt's timeout
     * measures the receiver, not a wait for a free connection.
     */
    default int maxConcurrentPerEndpoint() {
        return Integer.MAX_VALUE;
    }

    @Override
    void close();
}
