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

    @Override
    void close();
}
