package io.callhook.bench;

import io.callhook.demo.LocalCertificates;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
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
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;

/**
 * The benchmark's webhook receiver: a real HTTPS server (Netty, HTTP/1.1 keep-alive, certificate from
 * {@link LocalCertificates}) that answers every POST 200 and keeps only counts, so it can take
 * hundreds of thousands of events: POSTs, duplicates and out-of-order events per (call_id, seq_num),
 * and the event latency = receive time − the event's {@code timestamp} (when the causing SIP
 * message reached callhook), in a 1 ms histogram.
 *
 * <p>{@code GET /stats} prints the counts since the last {@code GET /reset}. Usage:
 * {@code java -cp target/test-classes:target/callhook.jar io.callhook.bench.BenchReceiver WORKDIR}; it
 * writes {@code WORKDIR/receiver-ca.pem} and {@code WORKDIR/receiver-url} (the POST URL) and runs until killed.
 */
public final class BenchReceiver {

    private static final int MAX_MS = 60_000;

    private long posts;
    private long duplicates;
    private long outOfOrder;
    private long unparsed;
    private final long[] latencyMs = new long[MAX_MS + 1];
    private final Map<String, Long> lastSeq = new HashMap<>();

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args[0]);
        int threads = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        LocalCertificates certificates = LocalCertificates.generate();
        certificates.writeCaPem(work.resolve("receiver-ca.pem"));
        SslContext tls = new JdkSslContext(certificates.serverSslContext(), false, ClientAuth.NONE);
        BenchReceiver receiver = new BenchReceiver();
        // Netty rather than the JDK's HttpsServer: timestamps taken as soon as a request is read,
        // with no server-side queueing of its own in front of them.
        Channel server = new ServerBootstrap()
                .group(new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory()))
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(tls.newHandler(ch.alloc()), new HttpServerCodec(),
                                new HttpObjectAggregator(1 << 20), receiver.new Handler());
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        int port = ((InetSocketAddress) server.localAddress()).getPort();
        Files.writeString(work.resolve("receiver-url"), "https://127.0.0.1:" + port + "/hooks/calls\n");
        server.closeFuture().sync();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            long receivedAt = System.currentTimeMillis();
            String out = "";
            if (HttpMethod.POST.equals(request.method())) {
                record(request.content().toString(StandardCharsets.UTF_8), receivedAt);
            } else {
                String path = request.uri();
                out = path.startsWith("/stats") ? stats()
                        : path.startsWith("/reset") ? resetAndSay() : "GET /stats or /reset\n";
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer(out, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!keepAlive) {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(response);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }

    private String resetAndSay() {
        reset();
        return "reset\n";
    }

    private synchronized void record(String json, long receivedAt) {
        posts++;
        String callId = field(json, "\"call_id\":\"", '"');
        String seq = field(json, "\"seq_num\":", ',');
        String timestamp = field(json, "\"timestamp\":\"", '"');
        if (callId == null || seq == null || timestamp == null) {
            unparsed++;
            return;
        }
        long n = Long.parseLong(seq);
        Long last = lastSeq.get(callId);
        if (last != null && n <= last) {
            duplicates++;
        } else if (n != (last == null ? 1 : last + 1)) {
            outOfOrder++;
        }
        if (last == null || n > last) {
            lastSeq.put(callId, n);
        }
        long ms = receivedAt - OffsetDateTime.parse(timestamp).toInstant().toEpochMilli();
        latencyMs[(int) Math.max(0, Math.min(MAX_MS, ms))]++;
    }

    private static String field(String json, String prefix, char end) {
        int i = json.indexOf(prefix);
        if (i < 0) {
            return null;
        }
        int from = i + prefix.length();
        int to = json.indexOf(end, from);
        return to < 0 ? null : json.substring(from, to);
    }

    private synchronized String stats() {
        return "posts=" + posts + " duplicates=" + duplicates + " out_of_order=" + outOfOrder
                + " unparsed=" + unparsed + " calls=" + lastSeq.size()
                + " p50_ms=" + percentile(0.50) + " p99_ms=" + percentile(0.99) + " max_ms=" + percentile(1.0) + "\n";
    }

    private long percentile(double q) {
        long total = 0;
        for (long c : latencyMs) {
            total += c;
        }
        if (total == 0) {
            return -1;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int ms = 0; ms <= MAX_MS; ms++) {
            seen += latencyMs[ms];
            if (seen >= rank) {
                return ms;
            }
        }
        return MAX_MS;
    }

    private synchronized void reset() {
        posts = 0;
        duplicates = 0;
        outOfOrder = 0;
        unparsed = 0;
        lastSeq.clear();
        java.util.Arrays.fill(latencyMs, 0);
    }
}
