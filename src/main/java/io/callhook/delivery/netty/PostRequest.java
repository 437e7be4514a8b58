package io.callhook.delivery.netty;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;

import java.net.URI;
import java.util.Map;

/**
 * Builds the HTTP/1.1 POST of one attempt: the caller's headers as given, then {@code Host},
 * {@code Content-Length} and {@code Connection: keep-alive} (these three always ours, so a caller
 * cannot break framing or pooling). The body is wrapped, not copied. Pure.
 */
final class PostRequest {

    private PostRequest() {}

    static FullHttpRequest build(URI url, PoolKey key, Map<String, String> headers, byte[] body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST,
                target(url), Unpooled.wrappedBuffer(body));
        headers.forEach((name, value) -> request.headers().set(name, value));
        request.headers()
                .set(HttpHeaderNames.HOST, key.hostHeader())
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        return request;
    }

    /** The origin-form request target: path (at least "/") and query, never the fragment. */
    static String target(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }
}
