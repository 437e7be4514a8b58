package io.callhook.delivery.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class AttemptFailureTest {

    @Test
    void aResetSaysSoAndWhenWhateverWrapsIt() {
        Throwable wrapped = new SSLException("failure when writing TLS control frames",
                new SocketException("Connection reset by peer"));

        assertThat(AttemptFailure.explain(wrapped, true, null, null))
                .isInstanceOf(IOException.class).hasMessage("connection reset by the receiver during the TLS handshake")
                .hasCause(wrapped);
        assertThat(AttemptFailure.explain(new IOException("Broken pipe"), false, null, null))
                .hasMessage("connection reset by the receiver before the response was complete");
    }

    @Test
    void aResetTheConnectionRaisedBeforeTheAttemptWasAttachedStillCounts() {
        Throwable reason = AttemptFailure.explain(new ClosedChannelException(), true, null,
                new SocketException("Connection reset"));

        assertThat(reason).hasMessage("connection reset by the receiver during the TLS handshake");
    }

    @Test
    void aClosedChannelIsAConnectionTheReceiverClosed() {
        assertThat(AttemptFailure.explain(new ClosedChannelException(), false, null, null))
                .hasMessage("connection closed by the receiver before the response was complete");
        assertThat(AttemptFailure.explain(new SSLException("Connection closed while SSL/TLS handshake was in progress"),
                true, null, null))
                .hasMessage("connection closed by the receiver during the TLS handshake");
    }

    @Test
    void otherFailuresAreLeftAsTheyAre() {
        TimeoutException timeout = new TimeoutException("no response from https://127.0.0.1:1 within 5 ms (while connecting)");
        IOException oversized = new IOException("response body larger than 65536 bytes");

        assertThat(AttemptFailure.explain(timeout, true, null, null)).isSameAs(timeout);
        assertThat(AttemptFailure.explain(oversized, true, null, null)).isSameAs(oversized);
    }

    @Test
    void theHandshakesVerdictWinsOverTheClosedChannelThatFollowsIt() throws Exception {
        SslHandler tls = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build()
                .newHandler(io.netty.buffer.ByteBufAllocator.DEFAULT, "127.0.0.1", 443);
        EmbeddedChannel channel = new EmbeddedChannel(tls);
        catchThrowable(() -> channel.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n\r\n", StandardCharsets.US_ASCII)));
        channel.finishAndReleaseAll();

        Throwable reason = AttemptFailure.explain(new ClosedChannelException(), true, tls, null);

        assertThat(reason).isInstanceOf(NotSslRecordException.class);
    }
}
