package io.callhook.directory;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.callhook.config.CallhookConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link HttpDirectory} against a real local HTTP server whose answers and status the test
 * changes, with a fake cache clock: hits, misses within and past {@code miss_wait}, background
 * refresh, a failing source, 404s, malformed answers.
 */
class HttpDirectoryTest {

    static final String ALICE_NUMBER = "+358401234567";

    /** Path (with query) → status and body; a path not listed is 404. */
    final Map<String, String> bodies = new ConcurrentHashMap<>();
    final List<String> asked = new CopyOnWriteArrayList<>();
    volatile int status = 200;
    volatile long delayMillis;
    final HttpServer server;
    final AtomicLong nanos = new AtomicLong();

    HttpDirectoryTest() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath()
                    + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery());
            asked.add(path + " auth=" + exchange.getRequestHeaders().getFirst("Authorization"));
            if (delayMillis > 0) {
                Thread.sleep(delayMillis);
            }
            String body = bodies.get(path);
            int code = body == null ? 404 : status;
            byte[] bytes = (body == null ? "" : body).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpDirectory directory(Duration missWait) {
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/callhook/v1/");
        CallhookConfig.HttpDirectory settings = new CallhookConfig.HttpDirectory(base, null, Duration.ofSeconds(2),
                Duration.ofMinutes(1), missWait, List.of("FI"), Map.of("Authorization", "Bearer t0ken"));
        return new HttpDirectory(settings, 1000, HttpClient.newHttpClient(), nanos::get, Runnable::run);
    }

    static String answer(String userId, String number, String aor, String type) {
        return """
                {"organizations": [{"id": "acme", "default_region": "FI",
                  "webhook": {"url": "https://crm.example.com/hooks"},
                  "privacy": {"remote_number": "mask:4"},
                  "users": [{"user_id": "%s", "email": "%s", "numbers": ["%s"],
                    "devices": [{"type": "%s", "aor": "%s", "auth_user": "alice", "realm": "acme.example",
                                 "ha1": "5d2a3c1e0b5f4e2d8f6a7b9c0d1e2f3a"}]}]}]}
                """.formatted(userId, userId, number, type, aor);
    }

    private void serveAlice(String type) {
        String alice = answer("alice@acme.example", ALICE_NUMBER, "sip:alice@acme.example", type);
        bodies.put("/callhook/v1/numbers/%2B358401234567", alice);
        bodies.put("/callhook/v1/devices?uri=sip%3Aalice%40acme.example", alice);
        bodies.put("/callhook/v1/devices?auth_user=alice&realm=acme.example", alice);
    }

    /** Polls {@code condition} for up to 5 s. */
    private static void eventually(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private long askedFor(String prefix) {
        return asked.stream().filter(a -> a.startsWith(prefix)).count();
    }

    @Test
    void aNumberIsFetchedOnceThenAnsweredFromTheCacheWithItsOrganization() {
        serveAlice("SOFT");
        HttpDirectory directory = directory(Duration.ofSeconds(1));
        User alice = directory.userByNumber(ALICE_NUMBER).orElseThrow();
        assertThat(alice.userId()).isEqualTo("alice@acme.example");
        assertThat(alice.devices().get(0).type().name()).isEqualTo("SOFT");
        assertThat(directory.userByNumber(ALICE_NUMBER)).contains(alice);
        assertThat(directory.functionNumber(ALICE_NUMBER)).as("the same answer, no second fetch").isEmpty();
        assertThat(directory.organization("acme").orElseThrow().privacy().remoteNumber().digits()).isEqualTo(4);
        assertThat(directory.user("alice@acme.example")).contains(alice);
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0)).isEqualTo("/callhook/v1/numbers/%2B358401234567 auth=Bearer t0ken");
    }

    @Test
    void devicesAreFoundByAorAndByDigestUser() {
        serveAlice("DESKTOP");
        HttpDirectory directory = directory(Duration.ofSeconds(1));
        assertThat(directory.deviceByUri("<sip:alice@acme.example;transport=tcp>")).isPresent();
        assertThat(directory.deviceByAuthUser("acme.example", "alice").orElseThrow().device().aor())
                .isEqualTo("sip:alice@acme.example");
        assertThat(directory.deviceByUri("sip:192.0.2.1:5060")).as("a URI without a user is never asked for").isEmpty();
        assertThat(directory.userByNumber("0401234567")).as("only E.164 numbers are asked for").isEmpty();
        assertThat(asked).hasSize(2);
    }

    @Test
    void a404IsNotOursAndIsCachedToo() {
        HttpDirectory directory = directory(Duration.ofSeconds(1));
        assertThat(directory.userByNumber("+358409999999")).isEmpty();
        assertThat(directory.userByNumber("+358409999999")).isEmpty();
        assertThat(asked).hasSize(1);
    }

    @Test
    void aMissWaitsAtMostMissWaitThenCountsAsUnknownAndTheAnswerLandsInTheCache() {
        serveAlice("SOFT");
        delayMillis = 1200;
        HttpDirectory directory = directory(Duration.ofMillis(50));
        long started = System.nanoTime();
        assertThat(directory.userByNumber(ALICE_NUMBER)).as("not answered within miss_wait").isEmpty();
        // before the source answers (1.2 s); the margin over 50 ms is for a busy machine's first request
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(1000));
        eventually(() -> directory.userByNumber(ALICE_NUMBER).isPresent());
        assertThat(askedFor("/callhook/v1/numbers/")).as("the waiting lookups shared one fetch").isOne();
    }

    @Test
    void anAccessControlLookupNeverWaitsAndHasTheAnswerNextTime() {
        serveAlice("DESKTOP");
        delayMillis = 300;
        HttpDirectory directory = directory(Duration.ofSeconds(1));
        long started = System.nanoTime();
        assertThat(directory.deviceByAuthUserIfReady("acme.example", "alice")).as("not at hand yet").isEmpty();
        assertThat(directory.deviceByUriIfReady("sip:alice@acme.example")).isEmpty();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(200));
        eventually(() -> directory.deviceByAuthUserIfReady("acme.example", "alice").isPresent());
        assertThat(directory.deviceByAuthUserIfReady("acme.example", "alice").orElseThrow()).isPresent();
        assertThat(directory.deviceByAuthUserIfReady("acme.example", "mallory")).isEmpty();
        eventually(() -> directory.deviceByAuthUserIfReady("acme.example", "mallory").isPresent());
        assertThat(directory.deviceByAuthUserIfReady("acme.example", "mallory").orElseThrow())
                .as("known to be nobody (404)").isEmpty();
    }

    @Test
    void anOldAnswerServesWhileARefreshFetchesTheNewOne() {
        serveAlice("SOFT");
        HttpDirectory directory = directory(Duration.ofSeconds(1));
        assertThat(directory.userByNumber(ALICE_NUMBER).orElseThrow().devices().get(0).type().name()).isEqualTo("SOFT");
        serveAlice("MOBILE");
        nanos.addAndGet(Duration.ofSeconds(61).toNanos());
        assertThat(directory.userByNumber(ALICE_NUMBER)).isPresent(); // old or new: never a wait, never empty
        eventually(() ->
                directory.userByNumber(ALICE_NUMBER).orElseThrow().devices().get(0).type().name().equals("MOBILE"));
    }

    @Test
    void aFailingSourceKeepsServingCachedAnswersAndAMissCountsAsUnknown() {
        serveAlice("SOFT");
        HttpDirectory directory = directory(Duration.ofSeconds(1));
        User alice = directory.userByNumber(ALICE_NUMBER).orElseThrow();
        status = 503;
        nanos.addAndGet(Duration.ofMinutes(2).toNanos());
        for (int i = 0; i < 5; i++) {
            assertThat(directory.userByNumber(ALICE_NUMBER)).contains(alice);
        }
        eventually(directory::failing);
        assertThat(directory.userByNumber(ALICE_NUMBER)).as("still the cached answer").contains(alice);
        bodies.put("/callhook/v1/numbers/%2B358409999999", answer("bob@acme.example", "+358409999999", "sip:bob@acme.example", "SOFT"));
        assertThat(directory.userByNumber("+358409999999")).as("a miss while failing").isEmpty();
        status = 200;
        assertThat(directory.userByNumber("+358409999999")).as("a failed miss is not cached: asked again").isPresent();
        assertThat(directory.failing()).isFalse();
    }

    @Test
    void aMalformedAnswerIsAFailureAndIsNotCached() {
        bodies.put("/callhook/v1/numbers/%2B358401234567", "{\"organizations\": [{\"id\": \"acme\"}]}");
        HttpDirectory directory = directory(Duration.ofSeconds(1));
        assertThat(directory.userByNumber(ALICE_NUMBER)).isEmpty();
        assertThat(directory.failing()).isTrue();
        serveAlice("SOFT");
        assertThat(directory.userByNumber(ALICE_NUMBER)).isPresent();
    }
}
