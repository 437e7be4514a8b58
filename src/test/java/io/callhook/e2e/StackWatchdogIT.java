package io.callhook.e2e;

import io.callhook.config.ConfigProblem;
import io.callhook.demo.FreePorts;
import io.callhook.demo.LoopbackRig;
import io.callhook.directory.DeviceOwner;
import io.callhook.directory.FunctionNumber;
import io.callhook.directory.Organization;
import io.callhook.directory.ReloadableDirectory;
import io.callhook.directory.User;
import io.callhook.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A SIP thread stuck in a listener call turns {@code /health} to 503 with the reason, and back to
 * 200 when it returns; one ERROR line when it turns, one INFO line when it recovers. The fault is
 * injected from outside production code: the test hands callhook a directory whose lookup of one
 * number blocks (as a directory source that hangs would), and dials that number.
 */
class StackWatchdogIT {

    static final String STUCK_NUMBER = "+358942729999";

    @TempDir
    Path work;
    LoopbackRig rig;
    final CountDownLatch release = new CountDownLatch(1);
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @AfterEach
    void stop() {
        release.countDown();
        if (rig != null) {
            rig.close();
        }
    }

    @Test
    void aListenerCallStuckForSecondsTurnsHealthTo503UntilItReturns() throws Exception {
        try (LogCapture log = new LogCapture()) {
            rig = LoopbackRig.builder(work).upstreamPort(FreePorts.udpAndTcp()).admin(LoopbackRig.HOST + ":0")
                    .wrapDirectory(HangingDirectory::new).start();
            String health = "http://" + LoopbackRig.HOST + ":" + rig.callhook().adminPort().orElseThrow() + "/health";
            assertThat(get(health).statusCode()).isEqualTo(200);

            try (RawSip phone = new RawSip("127.0.0.1", LoopbackRig.HOST, rig.proxyPort());
                 RawSip other = new RawSip("127.0.0.1", LoopbackRig.HOST, rig.proxyPort())) {
                phone.send(phone.request("INVITE", "sip:" + STUCK_NUMBER + "@" + rig.proxy(), "stuck", null, 70, ""));

                HttpResponse<String> down = awaitStatus(health, 503, Duration.ofSeconds(15));
                assertThat(down.body()).contains("\"status\":\"DOWN\"",
                        "\"sip\":\"a SIP listener call (INVITE call_id=raw-stuck@127.0.0.1) has been running for ");

                other.send(other.request("INVITE", "sip:+358942721234@" + rig.proxy(), "meanwhile", null, 0, ""));
                assertThat(other.finalResponse(Duration.ofSeconds(5)).status()).as("the other SIP threads serve on")
                        .isEqualTo(483);

                release.countDown();
                awaitStatus(health, 200, Duration.ofSeconds(10));
            }
            assertThat(log.lines().stream().filter(l -> l.contains("SIP stack unhealthy"))).hasSize(1)
                    .allSatisfy(l -> assertThat(l).startsWith("ERROR").contains("HangingDirectory.userByNumber"));
            assertThat(log.lines().stream().filter(l -> l.contains("SIP stack healthy again"))).hasSize(1);
        }
    }

    private HttpResponse<String> awaitStatus(String url, int status, Duration wait) throws Exception {
        long deadline = System.nanoTime() + wait.toNanos();
        HttpResponse<String> last = get(url);
        while (last.statusCode() != status && System.nanoTime() < deadline) {
            Thread.sleep(200);
            last = get(url);
        }
        assertThat(last.statusCode()).as(last.body()).isEqualTo(status);
        return last;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The real directory, except that looking up {@link #STUCK_NUMBER} hangs until the test releases it. */
    private final class HangingDirectory implements ReloadableDirectory {
        private final ReloadableDirectory real;

        HangingDirectory(ReloadableDirectory real) {
            this.real = real;
        }

        @Override
        public Optional<User> userByNumber(String number) {
            if (STUCK_NUMBER.equals(number)) {
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return real.userByNumber(number);
        }

        @Override public Optional<Organization> organization(String id) { return real.organization(id); }
        @Override public Optional<User> user(String id) { return real.user(id); }
        @Override public Optional<FunctionNumber> functionNumber(String n) { return real.functionNumber(n); }
        @Override public Optional<DeviceOwner> deviceByUri(String uri) { return real.deviceByUri(uri); }
        @Override public Optional<DeviceOwner> deviceByAuthUser(String realm, String u) { return real.deviceByAuthUser(realm, u); }
        @Override public String normalize(String raw) { return real.normalize(raw); }
        @Override public List<ConfigProblem> reload() { return real.reload(); }
        @Override public List<ConfigProblem> reloadIfChanged() { return real.reloadIfChanged(); }
        @Override public List<String> regions() { return real.regions(); }
        @Override public int organizationCount() { return real.organizationCount(); }
    }
}
