package io.callhook.delivery.netty;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Turns what Netty reports about a broken connection into one reason an operator can act on, the
 * same one for the same fault every time.
 *
 * <p>Why: Netty reports one broken connection several ways, first come first served — the reset
 * itself, a {@code StacklessClosedChannelException} for the request still queued behind the TLS
 * handshake, "failure when writing TLS control frames", "Connection closed while SSL/TLS handshake
 * was in progress" — and which one reaches the exchange first varies from attempt to attempt. The
 * delivery log line then said anything from the real reason to a bare class name. Here:
 * <ol>
 *   <li>a reset (or a broken pipe: writing into a reset) anywhere in the causes, or in the failed
 *       handshake's → "connection reset by the receiver &lt;phase&gt;";</li>
 *   <li>else the TLS handshake's own verdict (a certificate refused, bytes that are not TLS) as it is;</li>
 *   <li>else a close → "connection closed by the receiver &lt;phase&gt;";</li>
 *   <li>anything else (timeouts, oversized or malformed responses) unchanged.</li>
 * </ol>
 * The phase is "during the TLS handshake" until the handshake succeeded, then "before the response
 * was complete". The original exception is kept as the cause.
 *
 * <p>A connection can die before the attempt that borrowed it is attached to it (on loopback a
 * reset or a refused certificate beats the pool's callback), and Netty empties a closed channel's
 * pipeline; so what is needed later is kept in channel attributes: the {@link SslHandler}
 * ({@link #TLS}, set when the channel is made) and the first exception the connection raised
 * ({@link #FIRST_ERROR}). Pure apart from reading those; thread-safe.
 */
final class AttemptFailure {

    static final AttributeKey<SslHandler> TLS = AttributeKey.valueOf(AttemptFailure.class, "tls");
    static final AttributeKey<Throwable> FIRST_ERROR = AttributeKey.valueOf(AttemptFailure.class, "firstError");

    private AttemptFailure() {}

    /**
     * @param cause what failed the attempt
     * @param https whether the connection was to be TLS
     * @param ch    the connection, or null when there was none
     */
    static Throwable explain(Throwable cause, boolean https, Channel ch) {
        if (ch == null) {
            return explain(cause, https, null, null);
        }
        return explain(cause, https, ch.attr(TLS).get(), ch.attr(FIRST_ERROR).get());
    }

    /**
     * @param tls        the connection's TLS handler, or null (plain HTTP, no connection)
     * @param firstError the first exception the connection raised, or null
     */
    static Throwable explain(Throwable cause, boolean https, SslHandler tls, Throwable firstError) {
        Throwable handshakeFailure = handshakeFailure(tls);
        boolean handshaken = tls != null && tls.handshakeFuture().isSuccess();
        String phase = https && !handshaken ? "during the TLS handshake" : "before the response was complete";
        if (causedBy(cause, AttemptFailure::isReset) || causedBy(firstError, AttemptFailure::isReset)
                || causedBy(handshakeFailure, AttemptFailure::isReset)) {
            return new IOException("connection reset by the receiver " + phase, cause);
        }
        if (handshakeFailure != null && !causedBy(handshakeFailure, AttemptFailure::isClose)) {
            return handshakeFailure;
        }
        if (causedBy(cause, AttemptFailure::isClose) || handshakeFailure != null) {
            return new IOException("connection closed by the receiver " + phase, cause);
        }
        return cause;
    }

    private static Throwable handshakeFailure(SslHandler tls) {
        if (tls == null) {
            return null;
        }
        Future<?> handshake = tls.handshakeFuture();
        return handshake.isDone() && !handshake.isSuccess() ? handshake.cause() : null;
    }

    private static boolean isReset(Throwable t) {
        String m = message(t);
        return t instanceof IOException && (m.contains("connection reset") || m.contains("broken pipe"));
    }

    private static boolean isClose(Throwable t) {
        if (t instanceof ClosedChannelException) {
            return true;
        }
        String m = message(t);
        return t instanceof SSLException
                && (m.contains("connection closed") || m.contains("engine closed") || m.contains("control frames"));
    }

    private static String message(Throwable t) {
        return t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
    }

    private static boolean causedBy(Throwable t, Predicate<Throwable> test) {
        for (int depth = 0; t != null && depth < 10; t = t.getCause(), depth++) {
            if (test.test(t)) {
                return true;
            }
        }
        return false;
    }
}
