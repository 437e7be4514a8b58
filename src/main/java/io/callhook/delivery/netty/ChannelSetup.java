package io.callhook.delivery.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.pool.AbstractChannelPoolHandler;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateHandler;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Builds the pipeline of every new connection of one pool:
 * {@code [tls] → idle → http codec → aggregator (64 KiB) → response handler}.
 *
 * <p>TLS: the engine is made for the endpoint's host and port, with endpoint identification
 * {@code HTTPS} (the JDK checks the certificate's DNS / IP SANs against the host) and SNI for
 * host names (not for IP literals, which SNI does not allow). Response bodies are aggregated only
 * up to {@link #MAX_RESPONSE_BYTES}: a receiver's body is read and thrown away, and a huge one must
 * not cost us memory. Connections idle in the pool for {@link #IDLE_SECONDS} are closed so that we
 * do not hold sockets the receiver has long forgotten.
 *
 * <p>Threading: called by the pool on the channel's event loop when a connection is registered.
 */
final class ChannelSetup extends AbstractChannelPoolHandler {

    static final int MAX_RESPONSE_BYTES = 64 * 1024;
    static final int IDLE_SECONDS = 30;

    private final PoolKey key;
    private final SslContext tls;

    /** @param tls null for plain HTTP */
    ChannelSetup(PoolKey key, SslContext tls) {
        this.key = key;
        this.tls = tls;
    }

    @Override
    public void channelCreated(Channel ch) {
        ChannelPipeline p = ch.pipeline();
        if (tls != null) {
            SslHandler handler = tlsHandler(ch);
            ch.attr(AttemptFailure.TLS).set(handler);
            p.addLast("tls", handler);
        }
        p.addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS));
        p.addLast("http", new HttpClientCodec());
        p.addLast("aggregate", new HttpObjectAggregator(MAX_RESPONSE_BYTES));
        p.addLast("response", ResponseHandler.INSTANCE);
    }

    private SslHandler tlsHandler(Channel ch) {
        SslHandler handler = tls.newHandler(ch.alloc(), key.host(), key.port());
        // The attempt's own timer (the organization's timeout) bounds the handshake; SslHandler's
        // default 10 s would cut a longer timeout short. A connection left mid-handshake by a
        // timed-out attempt is closed by the idle handler.
        handler.setHandshakeTimeoutMillis(0);
        SSLEngine engine = handler.engine();
        SSLParameters params = engine.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(key.host())) {
            params.setServerNames(List.of(new SNIHostName(key.host())));
        }
        engine.setSSLParameters(params);
        return handler;
    }

    /** IPv4 dotted quad or IPv6 (the only hosts with a ':' once brackets are gone). */
    static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }
}
