package io.callhook.delivery.netty;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.TooLongHttpContentException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.AttributeKey;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * Last handler of every pooled connection: hands the aggregated response, or the failure, to the
 * {@link Exchange} currently using the connection.
 *
 * <p>The exchange is found in a channel attribute, set while a request is outstanding and cleared
 * before the connection goes back to the pool; anything arriving with no exchange set (an
 * unsolicited response, bytes after a completed one) is a broken connection and is closed. The
 * aggregated response is released by {@link SimpleChannelInboundHandler} after reading. A response
 * the codec could not parse (bytes that are not HTTP) fails the exchange and closes the connection.
 *
 * <p>Threading: stateless and {@code @Sharable}; runs on the channel's event loop.
 */
@ChannelHandler.Sharable
final class ResponseHandler extends SimpleChannelInboundHandler<FullHttpResponse> {

    static final ResponseHandler INSTANCE = new ResponseHandler();
    static final AttributeKey<Exchange> EXCHANGE = AttributeKey.valueOf(ResponseHandler.class, "exchange");

    private ResponseHandler() {}

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
        if (response.decoderResult().isFailure()) {
            // Not HTTP: the codec makes up a "999 Unknown" response; it must not pass for a status.
            failExchange(ctx, new IOException("malformed HTTP response: " + response.decoderResult().cause().getMessage(),
                    response.decoderResult().cause()));
            ctx.close();
            return;
        }
        int code = response.status().code();
        if (code >= 100 && code < 200) {
            return; // interim (100 Continue, 103 Early Hints): the final response follows
        }
        Exchange exchange = ctx.channel().attr(EXCHANGE).get();
        if (exchange == null) {
            ctx.close();
            return;
        }
        exchange.answered(ctx.channel(), response);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.channel().attr(AttemptFailure.FIRST_ERROR).setIfAbsent(cause);
        failExchange(ctx, readable(cause));
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        failExchange(ctx, new ClosedChannelException()); // AttemptFailure says when and by whom
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof SslHandshakeCompletionEvent handshake && !handshake.isSuccess()) {
            failExchange(ctx, handshake.cause());
            ctx.close();
            return;
        }
        if (event instanceof IdleStateEvent && ctx.channel().attr(EXCHANGE).get() == null) {
            ctx.close(); // idle in the pool for too long
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    private static void failExchange(ChannelHandlerContext ctx, Throwable cause) {
        Exchange exchange = ctx.channel().attr(EXCHANGE).get();
        if (exchange != null) {
            exchange.failed(cause);
        }
    }

    /** Unwraps codec wrappers so that a TLS failure reads as one; names the body limit plainly. */
    private static Throwable readable(Throwable cause) {
        if (cause instanceof TooLongHttpContentException) {
            return new IOException("response body larger than " + ChannelSetup.MAX_RESPONSE_BYTES + " bytes", cause);
        }
        if (cause instanceof DecoderException && cause.getCause() != null) {
            return cause.getCause();
        }
        return cause;
    }
}
