package io.callhook.delivery.netty;

import io.callhook.delivery.Endpoint;
import io.callhook.delivery.HttpResult;
import io.callhook.delivery.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.pool.ChannelHealthChecker;
import io.netty.channel.pool.FixedChannelPool;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * {@link Transport} on Netty: HTTP/1.1 POSTs over kept-alive, verified connections.
 *
 * <p>Shape: one small event-loop group for all endpoints; one bounded {@link FixedChannelPool} per
 * {@link PoolKey} (scheme, host, port, CA file); one TLS context per trust setting
 * ({@link ClientTls}). A connection is borrowed for one request/response and given back open when
 * the response allows keep-alive, so steady traffic to a receiver costs one TLS handshake per
 * connection, not per event. The pool caps connections per receiver
 * ({@code maxConnectionsPerEndpoint}); further attempts wait for a free one, within their timeout.
 *
 * <p>Per attempt: the whole attempt (waiting for a connection, connect, TLS, request, response) is
 * bounded by {@link Endpoint#timeout()}; on expiry the connection is closed and the future fails
 * with a {@link java.util.concurrent.TimeoutException} saying where it was stuck. TLS verifies the
 * chain against the JDK trust store plus the endpoint's CA file and the host name against the
 * certificate; plain {@code http://} works too (whether it is allowed is the configuration's
 * decision). Redirects are not followed: a 3xx is just a status. Response bodies are read up to
 * 64 KiB and dropped; a bigger one fails the attempt and closes the connection, as do bytes that
 * are not HTTP ("malformed HTTP response"). A failed attempt's exception says what happened in the
 * operator's words ({@link AttemptFailure}: reset or closed by the receiver, and when; the TLS
 * verdict; the limit hit); a failed connection is always closed, never pooled.
 *
 * <p>Threading: {@link #post} may be called from any thread and does not block, except that the
 * first post to a new HTTPS trust setting reads its CA file. Futures complete on Netty event-loop
 * threads: callers must not block in their callbacks (hop to their own executor). Host names are
 * resolved by Netty's default resolver, i.e. the JDK's, on the event loop.
 */
public final class NettyTransport implements Transport {

    private static final int MAX_PENDING_ACQUIRES = 10_000;

    private final EventLoopGroup group;
    private final int maxConnectionsPerEndpoint;
    private final Clock clock;
    private final ClientTls tls = new ClientTls();
    private final ConcurrentMap<PoolKey, FixedChannelPool> pools = new ConcurrentHashMap<>();
    private final Set<Exchange> live = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    /** Two I/O threads, 32 connections per endpoint, the system clock (for HTTP-date Retry-After). */
    public NettyTransport() {
        this(2, 32, Clock.systemUTC());
    }

    /**
     * @param ioThreads                 event-loop threads (daemon), 1 or 2 are plenty for webhooks
     * @param maxConnectionsPerEndpoint the most connections open to one pool key at once
     * @param clock                     turns an HTTP-date {@code Retry-After} into a delay
     */
    public NettyTransport(int ioThreads, int maxConnectionsPerEndpoint, Clock clock) {
        if (ioThreads < 1) {
            throw new IllegalArgumentException("io threads must be at least 1: " + ioThreads);
        }
        if (maxConnectionsPerEndpoint < 1) {
            throw new IllegalArgumentException("max connections per endpoint must be at least 1: "
                    + maxConnectionsPerEndpoint);
        }
        this.maxConnectionsPerEndpoint = maxConnectionsPerEndpoint;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.group = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("callhook-http", true),
                NioIoHandler.newFactory());
    }

    @Override
    public int maxConcurrentPerEndpoint() {
        return maxConnectionsPerEndpoint;
    }

    @Override
    public CompletableFuture<HttpResult> post(Endpoint endpoint, Map<String, String> headers, byte[] body) {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("transport is closed"));
        }
        Exchange exchange;
        try {
            Duration timeout = endpoint.timeout();
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("webhook timeout must be positive: " + timeout);
            }
            PoolKey key = PoolKey.of(endpoint);
            FixedChannelPool pool = pools.computeIfAbsent(key, k -> newPool(k, timeout));
            exchange = new Exchange(endpoint.url(), key, pool, Map.copyOf(headers), body, timeout, clock);
        } catch (RuntimeException e) { // bad URL, unreadable CA file
            return CompletableFuture.failedFuture(e);
        }
        live.add(exchange);
        exchange.result.whenComplete((r, e) -> live.remove(exchange));
        try {
            exchange.start(group);
        } catch (RuntimeException e) { // the group is shutting down
            exchange.failed(e);
        }
        return exchange.result;
    }

    private FixedChannelPool newPool(PoolKey key, Duration timeout) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .remoteAddress(key.host(), key.port());
        ChannelSetup setup = new ChannelSetup(key, key.tls() ? tls.context(key.caFile()) : null);
        // No acquire timeout of the pool's own: the attempt's timer bounds the wait.
        return new FixedChannelPool(bootstrap, setup, ChannelHealthChecker.ACTIVE, null, -1,
                maxConnectionsPerEndpoint, MAX_PENDING_ACQUIRES, true, true);
    }

    /**
     * Fails outstanding attempts, closes every connection and stops the I/O threads; takes at most a
     * few seconds. Idempotent. Call it from an application thread, never from a future callback
     * running on an I/O thread (it waits for those threads to stop).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (Exchange exchange : live) {
            exchange.failed(new IllegalStateException("transport closed"));
        }
        for (FixedChannelPool pool : pools.values()) {
            pool.closeAsync().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
        pools.clear();
        group.shutdownGracefully(100, 2_000, TimeUnit.MILLISECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
