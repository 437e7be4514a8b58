/**
 * The {@link io.callhook.delivery.Transport} on Netty, the only package of the delivery room that
 * may import {@code io.netty}.
 *
 * <p>{@link io.callhook.delivery.netty.NettyTransport} owns one event-loop group, one bounded
 * connection pool per endpoint (scheme, host, port, CA file) and one TLS context per trust
 * setting. Each attempt is an {@code Exchange}: borrow a connection, write, read the response
 * (aggregated up to 64 KiB), give the connection back — open after a keep-alive response, closed
 * after anything else — all within the endpoint's timeout (connect, TLS handshake and response
 * included: no Netty timeout of its own cuts it shorter). {@code AttemptFailure} turns Netty's
 * several reports of one broken connection into one reason for the delivery log.
 *
 * <h2>Threading</h2>
 * {@code post} may be called from any thread and returns at once; futures complete on the
 * event-loop threads ({@code callhook-http-*}), so callers must not block in their callbacks.
 * Pipeline handlers run on their channel's event loop; the per-attempt timer runs on any loop and
 * races the response through one atomic flag.
 */
package io.callhook.delivery.netty;
