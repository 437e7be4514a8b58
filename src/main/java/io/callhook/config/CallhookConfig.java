package io.callhook.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Everything {@code callhook.yaml} says, validated. Paths are resolved against the working directory. */
public record CallhookConfig(Sip sip, DirectorySettings directory, Outbox outbox, Admin admin) {

    /**
     * @param listen          where the proxy listens, e.g. {@code udp:127.0.0.1:5060}
     * @param upstream        the PBX / trunk URI for everything that is not a local user, or null
     * @param trustedPeers    CIDRs whose requests are forwarded without digest auth
     * @param timerC          RFC 3261 §16.6 Timer C: a forwarded INVITE branch with no final
     *                        response this long after its last provisional is cancelled (the RI has none)
     * @param nonceTtl        how long a digest nonce is good for (then the client gets {@code stale=true})
     */
    public record Sip(List<ListenAddress> listen, String upstream, List<String> trustedPeers,
                      Duration noAnswerTimeout, Duration maxCallDuration, boolean trace, Duration timerC,
                      Duration nonceTtl) {

        /** More than the 3 minutes RFC 3261 §16.6 asks for. */
        public static final Duration DEFAULT_TIMER_C = Duration.ofSeconds(185);

        public Sip {
            listen = List.copyOf(listen);
            trustedPeers = List.copyOf(trustedPeers);
        }

        /** With the default Timer C and nonce lifetime. */
        public Sip(List<ListenAddress> listen, String upstream, List<String> trustedPeers,
                   Duration noAnswerTimeout, Duration maxCallDuration, boolean trace) {
            this(listen, upstream, trustedPeers, noAnswerTimeout, maxCallDuration, trace, DEFAULT_TIMER_C,
                    ConfigLoader.DEFAULT_NONCE_TTL);
        }
    }

    /**
     * @param file  the directory YAML, or null when only {@code http} answers
     * @param http  an HTTP directory source asked for what the file does not know, or null
     */
    public record DirectorySettings(Path file, int cacheMaxEntries, Duration cacheTtl, HttpDirectory http) {

        /** A file directory without an HTTP source. */
        public DirectorySettings(Path file, int cacheMaxEntries, Duration cacheTtl) {
            this(file, cacheMaxEntries, cacheTtl, null);
        }
    }

    /**
     * {@code directory.http}: a provisioning system answering lookups as JSON.
     *
     * @param url          base URL; lookups are {@code GET url/numbers/{e164}}, {@code url/devices?uri=…} …
     * @param caFile       extra CA (PEM) to trust besides the JDK's, or null
     * @param timeout      per request (connect + response)
     * @param refreshAfter an answer older than this is fetched again in the background on its next
     *                     use; the old one serves meanwhile, and stays when the source fails
     * @param missWait     how long a SIP thread waits for an answer not cached yet; then the number
     *                     or address counts as unknown for that request (the fetch goes on and fills the cache)
     * @param regions      ISO regions for numbers written without a country code (besides the file's)
     * @param headers      sent with every request (e.g. {@code Authorization}); values are never logged
     */
    public record HttpDirectory(java.net.URI url, Path caFile, Duration timeout, Duration refreshAfter,
                                Duration missWait, List<String> regions, java.util.Map<String, String> headers) {
        public HttpDirectory {
            regions = List.copyOf(regions);
            headers = java.util.Map.copyOf(headers);
        }
    }

    public record Outbox(Path path) {}

    /** @param listen host:port of /health and /metrics, or null when disabled */
    public record Admin(String listen) {}

    /** One transport endpoint of the proxy. */
    public record ListenAddress(String transport, String host, int port) {
        @Override
        public String toString() {
            return transport + ":" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
