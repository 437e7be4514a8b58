package io.callhook.config;

import io.callhook.config.CallhookConfig.ListenAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String yaml) throws IOException {
        Path file = dir.resolve("callhook.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    /** Every problem of {@code yaml}, as {@code check-config} prints them, with the file name as {@code f}. */
    private List<String> problems(String yaml) throws IOException {
        Path file = write(yaml);
        try {
            ConfigLoader.load(file);
        } catch (ConfigException e) {
            return e.problems().stream().map(p -> p.toString().replace(file.toString(), "f")).toList();
        }
        return List.of();
    }

    /**
     * Found by {@link ConfigLoaderFuzzTest} (crash-beaac34b…): a quoted value with line breaks was
     * echoed into its problem as is, so one problem printed as 25 lines.
     */
    @Test
    void aValueWithLineBreaksIsEchoedOnOneLine() throws IOException {
        String crash = "sip: &s\n  listen: &l [\"upd:127.\n" + "\n".repeat(23) + "0.0.1:.0.1:5060\"]\n"
                + "  ttimer_crusted_peers: *l\ndirectory: { fil\uFFFD: config/directory.yaml, cache: .s }\noutbox: *s\n";

        List<String> problems = problems(crash);

        assertThat(problems).contains("f:2: sip.listen[0]: use udp:HOST:PORT or tcp:HOST:PORT: upd:127." + "\\n".repeat(23)
                + "0.0.1:.0.1:5060");
        assertThat(problems).allSatisfy(p -> assertThat(p).doesNotContain("\n", "\r"));
    }

    /**
     * Found by {@link ConfigLoaderFuzzTest} (crash-27f9dc44…): the tag {@code !%10} made the YAML
     * library throw an IllegalArgumentException, which escaped the loader.
     */
    @Test
    void aTagTheYamlLibraryRefusesIsASyntaxError() throws IOException {
        assertThat(problems("!%10")).containsExactly("f:0: yaml: syntax error: Tag must not contain leading or trailing spaces.");
    }

    /**
     * Found by the seed deep-flow-nesting.yaml of {@link ConfigLoaderFuzzTest}: 5,000 nested lists
     * overflowed the YAML library's recursive composer (a StackOverflowError, which would also
     * have ended a directory reload).
     */
    @Test
    void aDocumentNestedThousandsDeepIsRefusedNotAStackOverflow() throws IOException {
        assertThat(problems("sip: " + "[".repeat(5000) + "]".repeat(5000) + "\n"))
                .containsExactly("f:1: yaml: nested deeper than 64 levels");
    }

    /**
     * Found while writing the seeds of {@link ConfigLoaderFuzzTest} (nul-in-paths.yaml; three minutes
     * of fuzzing had not): a NUL in a path made {@code Path.of} throw InvalidPathException.
     */
    @Test
    void aPathWithANulCharacterIsAProblemNotAnException() throws IOException {
        assertThat(problems("""
                sip: { listen: ["udp:127.0.0.1:5060"] }
                directory:
                  file: "config/directory.yaml\\0"
                outbox: { path: "data/\\0.db" }
                """)).containsExactly(
                "f:3: directory.file: not a usable file path (Nul character not allowed): config/directory.yaml\\u0000",
                "f:4: outbox.path: not a usable file path (Nul character not allowed): data/\\u0000.db");
    }

    @Test
    void controlCharactersInKeysAndValuesAreEscaped() throws IOException {
        assertThat(problems("sip:\n  listen: [\"udp:a\\tb\\u0000c\"]\n  \"x\\ry\": 1\n"))
                .contains("f:2: sip.listen[0]: use udp:HOST:PORT: udp:a\\tb\\u0000c", "f:3: sip.x\\ry: unknown key");
    }

    @Test
    void theShippedConfigLoadsWithoutProblems() throws ConfigException {
        CallhookConfig config = ConfigLoader.load(Path.of("config/callhook.yaml"));

        assertThat(config.sip().listen()).containsExactly(
                new ListenAddress("udp", "127.0.0.1", 5060), new ListenAddress("tcp", "127.0.0.1", 5060));
        assertThat(config.sip().upstream()).isEqualTo("sip:127.0.0.1:5080");
        assertThat(config.sip().trustedPeers()).containsExactly("127.0.0.1/32");
        assertThat(config.sip().noAnswerTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.sip().maxCallDuration()).isEqualTo(Duration.ofHours(12));
        assertThat(config.sip().trace()).isFalse();
        assertThat(config.directory().file()).isEqualTo(Path.of("config/directory.yaml"));
        assertThat(config.directory().cacheMaxEntries()).isEqualTo(100_000);
        assertThat(config.directory().cacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.outbox().path()).isEqualTo(Path.of("data/outbox.db"));
        assertThat(config.admin().listen()).isEqualTo("127.0.0.1:8080");
    }

    @Test
    void aMinimalConfigGetsTheDocumentedDefaults() throws Exception {
        CallhookConfig config = ConfigLoader.load(write("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                directory:
                  file: config/directory.yaml
                """));

        assertThat(config.sip().upstream()).isNull();
        assertThat(config.sip().trustedPeers()).isEmpty();
        assertThat(config.sip().noAnswerTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.sip().maxCallDuration()).isEqualTo(Duration.ofHours(12));
        assertThat(config.sip().trace()).isFalse();
        assertThat(config.directory().cacheMaxEntries()).isEqualTo(100_000);
        assertThat(config.directory().cacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(config.outbox().path()).isEqualTo(Path.of("data/outbox.db"));
        assertThat(config.admin().listen()).isNull();
    }

    @Test
    void listenAddressesTakeIpv6InBracketsAndAnyPortUpTo65535() throws Exception {
        CallhookConfig config = ConfigLoader.load(write("""
                sip:
                  listen: ["udp:[::1]:5060", "TCP:localhost:0", "tcp:0.0.0.0:65535"]
                  trusted_peers: ["10.0.0.0/8", "192.0.2.7", "2001:db8::/32"]
                  trace: true
                directory: { file: config/directory.yaml }
                """));

        assertThat(config.sip().listen()).containsExactly(new ListenAddress("udp", "::1", 5060),
                new ListenAddress("tcp", "localhost", 0), new ListenAddress("tcp", "0.0.0.0", 65535));
        assertThat(config.sip().listen().get(0)).hasToString("udp:[::1]:5060");
        assertThat(config.sip().trustedPeers()).containsExactly("10.0.0.0/8", "192.0.2.7/32", "2001:db8::/32");
        assertThat(config.sip().trace()).isTrue();
    }

    @Test
    void anUnknownKeyIsReportedWithItsLine() throws IOException {
        assertThat(problems("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                  no_anser_timeout: 30s
                directory:
                  file: config/directory.yaml
                """)).containsExactly("f:3: sip.no_anser_timeout: unknown key");
    }

    @Test
    void aBadDurationIsReportedWithItsLine() throws IOException {
        assertThat(problems("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                  no_answer_timeout: 6x
                directory:
                  file: config/directory.yaml
                """)).containsExactly(
                "f:3: sip.no_answer_timeout: bad duration \"6x\": use a number and ms, s, m, h or d");
    }

    @Test
    void badListenAddressesSayTheRuleAndTheValue() throws IOException {
        assertThat(problems("""
                sip:
                  listen:
                    - "udp:127.0.0.1:70000"
                    - "tls:127.0.0.1:5061"
                    - "udp:::1:5060"
                    - "tcp:127.0.0.1"
                    - "udp:[::zz]:5060"
                    - "udp:exa mple:5060"
                directory:
                  file: config/directory.yaml
                """)).containsExactly(
                "f:3: sip.listen[0]: port must be 0..65535: 70000",
                "f:4: sip.listen[1]: use udp:HOST:PORT or tcp:HOST:PORT: tls:127.0.0.1:5061",
                "f:5: sip.listen[2]: an IPv6 address needs brackets, like [::1]:5060: udp:::1:5060",
                "f:6: sip.listen[3]: use tcp:HOST:PORT: tcp:127.0.0.1",
                "f:7: sip.listen[4]: not an IPv6 address: ::zz",
                "f:8: sip.listen[5]: not a host name or IP address: exa mple");
    }

    @Test
    void badUpstreamPeersAndAdminAddressAreReported() throws IOException {
        assertThat(problems("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                  upstream: "http://pbx.example.com"
                  trusted_peers: ["10.0.0.0/33", "pbx.example.com"]
                directory:
                  file: config/directory.yaml
                  cache: { max_entries: -1, ttl: 0s }
                admin:
                  listen: "localhost"
                """)).containsExactly(
                "f:3: sip.upstream: must be a sip: URI like sip:10.0.0.5:5060: http://pbx.example.com",
                "f:4: sip.trusted_peers[0]: prefix must be 0..32: 33",
                "f:4: sip.trusted_peers[1]: not a CIDR like 10.0.0.0/8: pbx.example.com",
                "f:7: directory.cache.max_entries: must be 1..2147483647: -1",
                "f:7: directory.cache.ttl: must be more than 0: 0s",
                "f:9: admin.listen: use HOST:PORT: localhost");
    }

    @Test
    void theDirectoryFileIsRequiredAndMustExist() throws IOException {
        assertThat(problems("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                """)).containsExactly("f:1: directory.file: required");
        assertThat(problems("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                directory:
                  file: config/nope.yaml
                """)).containsExactly("f:4: directory.file: no such readable file: config/nope.yaml");
    }

    @Test
    void severalProblemsAreReportedTogetherInLineOrder() throws IOException {
        assertThat(problems("""
                sip:
                  listen: []
                  trace: maybe
                  max_call_duration: 12 hours
                director:
                  file: config/directory.yaml
                """)).containsExactly(
                "f:1: directory.file: required",
                "f:2: sip.listen: must name at least one address, like udp:127.0.0.1:5060",
                "f:3: sip.trace: must be true or false: maybe",
                "f:4: sip.max_call_duration: bad duration \"12 hours\": use a number and ms, s, m, h or d",
                "f:5: director: unknown key");
    }

    @Test
    void aYamlSyntaxErrorIsReportedWithItsLineAndNothingElse() throws IOException {
        assertThat(problems("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                 upstream: "sip:127.0.0.1:5080"
                directory:
                  file: config/directory.yaml
                """)).singleElement().asString().startsWith("f:3: yaml: syntax error: ");
    }

    @Test
    void theNonceLifetimeDefaultsToFiveMinutes() throws Exception {
        assertThat(ConfigLoader.load(write("""
                sip: { listen: ["udp:127.0.0.1:5060"] }
                directory: { file: config/directory.yaml }
                """)).sip().nonceTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(ConfigLoader.load(write("""
                sip: { listen: ["udp:127.0.0.1:5060"], nonce_ttl: 30s }
                directory: { file: config/directory.yaml }
                """)).sip().nonceTtl()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void withoutSipLimitsEveryLimitHasItsSafeDefault() throws Exception {
        CallhookConfig.Limits limits = ConfigLoader.load(write("""
                sip: { listen: ["udp:127.0.0.1:5060"] }
                directory: { file: config/directory.yaml }
                """)).sip().limits();

        assertThat(limits).isEqualTo(CallhookConfig.Limits.DEFAULTS);
        assertThat(limits.maxMessageSize()).isEqualTo(16_384);
        assertThat(limits.tcpReadTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.maxTcpConnections()).isEqualTo(1_000);
        assertThat(limits.maxLiveLegs()).isEqualTo(100_000);
        assertThat(limits.maxTransactions()).isEqualTo(100_000);
        assertThat(limits.maxQueueDelay()).isEqualTo(Duration.ofMillis(200));
        assertThat(limits.udpQueue()).isEqualTo(5_000);
        assertThat(limits.retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limits.perSourceRate()).isEqualTo(20);
        assertThat(limits.perSourceBurst()).isEqualTo(40);
        assertThat(limits.perSourcePackets()).isEqualTo(200);
    }

    @Test
    void everySipLimitCanBeSet() throws Exception {
        CallhookConfig.Limits limits = ConfigLoader.load(write("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                  limits:
                    max_message_size: 8192
                    tcp_read_timeout: 3s
                    max_tcp_connections: 50
                    max_live_legs: 2000
                    max_transactions: 9000
                    max_queue_delay: 500ms
                    udp_queue: 1000
                    retry_after: 30s
                    per_source_rate: 5
                    per_source_packets: 100
                directory: { file: config/directory.yaml }
                """)).sip().limits();

        assertThat(limits).isEqualTo(new CallhookConfig.Limits(8192, Duration.ofSeconds(3), 50, 2000, 9000,
                Duration.ofMillis(500), 1000, Duration.ofSeconds(30), 5, 10, 100));
    }

    @Test
    void badSipLimitsSayTheRuleAndTheValue() throws IOException {
        assertThat(problems("""
                sip:
                  listen: ["udp:127.0.0.1:5060"]
                  limits:
                    max_message_size: 1024
                    tcp_read_timeout: 0s
                    max_live_legs: lots
                    retry_after: 500ms
                    per_source_rate: 50
                    per_source_burst: 10
                    max_calls: 5
                directory: { file: config/directory.yaml }
                """)).containsExactly(
                "f:4: sip.limits.max_message_size: must be 4096..65535: 1024",
                "f:5: sip.limits.tcp_read_timeout: must be more than 0: 0s",
                "f:6: sip.limits.max_live_legs: must be a whole number: lots",
                "f:7: sip.limits.retry_after: must be at least 1s (Retry-After counts whole seconds): 500ms",
                "f:9: sip.limits.per_source_burst: must be at least per_source_rate (50): 10",
                "f:10: sip.limits.max_calls: unknown key");
    }

    @Test
    void anHttpDirectorySourceMayStandAloneWithTheDocumentedDefaults() throws Exception {
        CallhookConfig config = ConfigLoader.load(write("""
                sip: { listen: ["udp:127.0.0.1:5060"] }
                directory:
                  http: { url: "https://provisioning.example.com/callhook/v1" }
                """));
        assertThat(config.directory().file()).isNull();
        CallhookConfig.HttpDirectory http = config.directory().http();
        assertThat(http.url()).hasToString("https://provisioning.example.com/callhook/v1");
        assertThat(http.caFile()).isNull();
        assertThat(http.timeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(http.refreshAfter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(http.missWait()).isEqualTo(Duration.ofMillis(100));
        assertThat(http.regions()).isEmpty();
        assertThat(http.headers()).isEmpty();
    }

    @Test
    void anHttpDirectorySourceWithEveryOption() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\n");
        CallhookConfig config = ConfigLoader.load(write("""
                sip: { listen: ["udp:127.0.0.1:5060"] }
                directory:
                  file: config/directory.yaml
                  http:
                    url: "http://127.0.0.1:8081/callhook"
                    allow_insecure_http: true
                    ca_file: %s
                    timeout: 500ms
                    refresh_after: 5m
                    miss_wait: 0ms
                    regions: [fi, SE]
                    headers: { Authorization: "Bearer abc" }
                """.formatted(ca)));
        CallhookConfig.HttpDirectory http = config.directory().http();
        assertThat(config.directory().file()).isEqualTo(Path.of("config/directory.yaml"));
        assertThat(http.caFile()).isEqualTo(ca);
        assertThat(http.timeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(http.refreshAfter()).isEqualTo(Duration.ofMinutes(5));
        assertThat(http.missWait()).isZero();
        assertThat(http.regions()).containsExactly("FI", "SE");
        assertThat(http.headers()).containsEntry("Authorization", "Bearer abc");
    }

    @Test
    void badHttpDirectorySettingsAreReportedWithTheirLinesAndNoHeaderValue() throws IOException {
        assertThat(problems("""
                sip: { listen: ["udp:127.0.0.1:5060"] }
                directory:
                  http:
                    url: "http://provisioning.example.com/callhook"
                    ca_file: nope.pem
                    miss_wait: 2s
                    regions: [Finland]
                    refresh: 1m
                    headers: { "Bad Header": "secret-value" }
                """)).containsExactly(
                "f:4: directory.http.url: http:// needs allow_insecure_http: true",
                "f:5: directory.http.ca_file: no such readable file: nope.pem",
                "f:6: directory.http.miss_wait: must be at most 1s (a SIP thread waits this long on a cache miss): 2s",
                "f:7: directory.http.regions[0]: must be a two-letter ISO 3166 region, like FI: FINLAND",
                "f:8: directory.http.refresh: unknown key",
                "f:9: directory.http.headers.Bad Header: not an HTTP header name");
        assertThat(problems("""
                sip: { listen: ["udp:127.0.0.1:5060"] }
                directory:
                  http: { url: "https://provisioning.example.com/v1?key=x" }
                """)).containsExactly(
                "f:3: directory.http.url: must be a base URL without ?query or #fragment: "
                        + "https://provisioning.example.com/v1?key=x");
    }

    @Test
    void aMissingConfigFileIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageEndingWith(":0: file: no such file: " + dir.resolve("absent.yaml"));
    }
}
