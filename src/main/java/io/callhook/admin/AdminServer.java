package io.callhook.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The admin HTTP server on {@code admin.listen}: {@code GET /health} (200 or 503 with a JSON body
 * saying why) and {@code GET /metrics} (Prometheus text format). Plain HTTP on one Netty event-loop
 * thread of its own, so a slow scraper never touches SIP or delivery threads.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    static final String PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final EventLoopGroup group;
    private final Channel channel;

    private AdminServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /**
     * Binds {@code listen} ({@code host:port}, IPv6 as {@code [::1]:9090}; port 0 picks a free one).
     *
     * @throws Exception when the address cannot be bound
     */
    public static AdminServer start(String listen, List<HealthCheck> checks, CallhookMetrics metrics)
            throws Exception {
        InetSocketAddress address = parse(listen);
        Health health = new Health(checks);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("callhook-admin", true),
                NioIoHandler.newFactory());
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(8192),
                                    new Endpoints(health, metrics));
                        }
                    }).bind(address).sync().channel();
            AdminServer server = new AdminServer(group, channel);
            LOG.info("admin listening on http://{}:{} (/health, /metrics)", address.getHostString(), server.port());
            return server;
        } catch (Exception | Error e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
    }

    static InetSocketAddress parse(String listen) {
        int colon = listen.lastIndexOf(':');
        String host = listen.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new InetSocketAddress(host, Integer.parseInt(listen.substring(colon + 1)));
    }

    /** The bound port (useful when started on port 0). */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(2, TimeUnit.SECONDS);
    }

    /** Called by the admin event loop, one request at a time per connection. */
    private static final class Endpoints extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Health health;
        private final CallhookMetrics metrics;

        Endpoints(Health health, CallhookMetrics metrics) {
            this.health = health;
            this.metrics = metrics;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = request.uri();
            int query = path.indexOf('?');
            if (query >= 0) {
                path = path.substring(0, query);
            }
            FullHttpResponse response;
            if (!HttpMethod.GET.equals(request.method()) && !HttpMethod.HEAD.equals(request.method())) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain; charset=utf-8", "GET only\n");
            } else if (path.equals("/health")) {
                Health.Answer answer = health.evaluate();
                response = text(HttpResponseStatus.valueOf(answer.status()), "application/json", answer.json());
            } else if (path.equals("/metrics")) {
                response = text(HttpResponseStatus.OK, PROMETHEUS_TYPE, metrics.scrape());
            } else {
                response = text(HttpResponseStatus.NOT_FOUND, "text/plain; charset=utf-8",
                        "not found; try /health or /metrics\n");
            }
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            HttpUtil.setKeepAlive(response, keepAlive);
            var written = ctx.writeAndFlush(response);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("admin connection failed: {}", cause.toString());
            ctx.close();
        }

        private static FullHttpResponse text(HttpResponseStatus status, String type, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.wrappedBuffer(body.getBytes(StandardCharsets.UTF_8)));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
            HttpUtil.setContentLength(r, r.content().readableBytes());
            return r;
        }
    }
}
