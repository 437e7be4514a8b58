package io.callhook.demo;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Drives the sink with the JDK's own HTTP client, trusting only the demo CA. */
@Timeout(60)
class HttpsSinkTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final LocalCertificates certificates = LocalCertificates.generate();
    private HttpsSink sink;
    private HttpClient client;

    @BeforeEach
    void start() throws Exception {
        sink = HttpsSink.start(certificates);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("demo-ca", certificates.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, tmf.getTrustManagers(), null);
        client = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(WAIT).build();
    }

    @AfterEach
    void stop() {
        sink.close();
    }

    @Test
    void postsAreRecordedInArrivalOrderWithHeadersAndBody() throws Exception {
        assertThat(post("{\"n\":1}").statusCode()).isEqualTo(200);
        assertThat(post("{\"n\":2}").statusCode()).isEqualTo(200);

        List<HttpsSink.Received> posts = sink.awaitPosts(2, WAIT);
        assertThat(posts).extracting(HttpsSink.Received::body).containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(posts.get(0).method()).isEqualTo("POST");
        assertThat(posts.get(0).path()).isEqualTo("/hooks/calls");
        assertThat(posts.get(0).header("X-Test")).isEqualTo("yes");
        assertThat(posts.get(0).header("x-test")).isEqualTo("yes");
        assertThat(posts.get(1).receivedAt()).isAfterOrEqualTo(posts.get(0).receivedAt());
    }

    @Test
    void statusesCanBeQueuedAndThenItAnswers200Again() throws Exception {
        sink.answerInOrder(503, 500);

        assertThat(post("a").statusCode()).isEqualTo(503);
        assertThat(post("b").statusCode()).isEqualTo(500);
        assertThat(post("c").statusCode()).isEqualTo(200);
    }

    @Test
    void aReplyCanCarryHeadersAndABody() throws Exception {
        sink.answer(r -> new HttpsSink.Reply(429, Map.of("Retry-After", "3"), "slow down"));

        HttpResponse<String> response = post("x");

        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.headers().firstValue("retry-after")).contains("3");
        assertThat(response.body()).isEqualTo("slow down");
    }

    @Test
    void itCountsOneConnectionForRequestsOnAKeptAliveConnection() throws Exception {
        post("a");
        post("b");
        post("c");

        assertThat(sink.connectionsAccepted()).isEqualTo(1);
    }

    @Test
    void itsUrlsPointAtTheHooksPathOnLoopback() {
        assertThat(sink.url().toString()).isEqualTo("https://127.0.0.1:" + sink.port() + "/hooks/calls");
        assertThat(sink.localhostUrl().toString()).isEqualTo("https://localhost:" + sink.port() + "/hooks/calls");
    }

    @Test
    void waitingForMorePostsThanArriveFailsWithTheCount() throws Exception {
        post("only one");

        assertThatThrownBy(() -> sink.awaitPosts(2, Duration.ofMillis(200)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("expected 2 POSTs within PT0.2S, got 1");
    }

    private HttpResponse<String> post(String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(sink.url()).timeout(WAIT)
                .header("Content-Type", "application/json").header("X-Test", "yes")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
