package io.callhook.delivery.netty;

import io.callhook.delivery.HttpResult;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.pool.ChannelPool;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One attempt: borrow a connection, write the POST, wait for the response, give the connection
 * back. Finishes exactly once, by the first of: the response, a failure, or the timer.
 *
 * <p>The timer starts before the connection is borrowed, so the attempt's budget covers waiting
 * for a free connection, connecting, the TLS handshake, writing and the response. Whoever finishes
 * the exchange returns the connection to the pool: after a keep-alive response it goes back open;
 * after anything else (failure, timeout, {@code Connection: close}) it is closed first, because
 * its state is unknown. A connection is given back exactly once.
 *
 * <p>Threading: {@link #start} runs on the caller's thread; the pool callback, the response and
 * failures run on the connection's event loop; the timer on another event loop. {@link #finished}
 * decides the race; {@link #channel} is volatile so the timer and a late borrow always see each
 * other (one of them returns the connection). The result future is completed last, after the
 * connection is back, so a caller that posts again from its callback can reuse it.
 */
final class Exchange {

    final CompletableFuture<HttpResult> result = new CompletableFuture<>();

    private final URI url;
    private final PoolKey key;
    private final ChannelPool pool;
    private final Map<String, String> headers;
    private final byte[] body;
    private final Duration timeout;
    private final Clock clock;

    private final AtomicBoolean finished = new AtomicBoolean();
    private final AtomicBoolean returned = new AtomicBoolean();
    private volatile Channel channel;
    private volatile Future<?> timer;

    Exchange(URI url, PoolKey key, ChannelPool pool, Map<String, String> headers, byte[] body, Duration timeout,
             Clock clock) {
        this.url = url;
        this.key = key;
        this.pool = pool;
        this.headers = headers;
        this.body = body;
        this.timeout = timeout;
        this.clock = clock;
    }

    void start(EventLoopGroup group) {
        timer = group.next().schedule(this::timedOut, timeout.toNanos(), TimeUnit.NANOSECONDS);
        pool.acquire().addListener(this::borrowed);
    }

    private void borrowed(Future<? super Channel> borrow) {
        if (!borrow.isSuccess()) {
            failed(borrow.cause());
            return;
        }
        Channel ch = (Channel) borrow.getNow();
        channel = ch;
        if (finished.get()) {
            giveBack(ch); // timed out (or the transport closed) while we waited for it
            return;
        }
        ch.attr(ResponseHandler.EXCHANGE).set(this);
        try {
            ch.writeAndFlush(PostRequest.build(url, key, headers, body)).addListener(write -> {
                if (!write.isSuccess()) {
                    failed(write.cause());
                }
            });
        } catch (RuntimeException e) { // e.g. a header name Netty refuses
            failed(e);
        }
    }

    /** On the event loop, with the final response of this exchange. */
    void answered(Channel ch, FullHttpResponse response) {
        HttpResult answer = new HttpResult(response.status().code(),
                RetryAfter.parse(response.headers().get(HttpHeaderNames.RETRY_AFTER), clock.instant()));
        boolean keepAlive = HttpUtil.isKeepAlive(response);
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        ch.attr(ResponseHandler.EXCHANGE).set(null);
        if (keepAlive) {
            giveBack(ch);
        } else {
            closeAndGiveBack(ch);
        }
        result.complete(answer);
    }

    /**
     * Connection, TLS, write or protocol failure; also used by the timer and by transport close. The
     * reason is read before the connection is closed (closing it would add reasons of its own).
     */
    void failed(Throwable cause) {
        if (!finished.compareAndSet(false, true)) {
            return;
        }
        cancelTimer();
        Throwable reason = AttemptFailure.explain(cause, key.tls(), channel);
        Channel ch = channel;
        if (ch != null) {
            ch.attr(ResponseHandler.EXCHANGE).compareAndSet(this, null);
            closeAndGiveBack(ch);
        }
        result.completeExceptionally(reason);
    }

    private void timedOut() {
        failed(new TimeoutException("no response from " + key.origin() + " within " + timeout.toMillis()
                + " ms (" + phase() + ")"));
    }

    private String phase() {
        if (channel == null) {
            return "while connecting";
        }
        SslHandler tls = channel.attr(AttemptFailure.TLS).get();
        if (tls != null && !tls.handshakeFuture().isDone()) {
            return "during the TLS handshake";
        }
        return "while waiting for the response";
    }

    private void cancelTimer() {
        Future<?> t = timer;
        if (t != null) {
            t.cancel(false);
        }
    }

    private void closeAndGiveBack(Channel ch) {
        ch.close().addListener(closed -> giveBack(ch));
    }

    private void giveBack(Channel ch) {
        if (returned.compareAndSet(false, true)) {
            pool.release(ch);
        }
    }
}
