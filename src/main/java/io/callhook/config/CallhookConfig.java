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
     * @param limits          {@code sip.limits}: what bad or excessive input may cost (issue 6)
     */
    public record Sip(List<ListenAddress> listen, String upstream, List<String> trustedPeers,
                      Duration noAnswerTimeout, Duration maxCallDuration, boolean trace, Duration timerC,
                      Duration nonceTtl, Limits limits) {

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

        /** With the default limits. */
        public Sip(List<ListenAddress> listen, String upstream, List<String> trustedPeers,
                   Duration noAnswerTimeout, Duration maxCallDuration, boolean trace, Duration timerC,
                   Duration nonceTtl) {
            this(listen, upstream, trustedPeers, noAnswerTimeout, maxCallDuration, trace, timerC, nonceTtl,
                    Limits.DEFAULTS);
        }
    }

    /**
     * {@code sip.limits}: bounds on what the SIP side holds, so bad or excessive input costs a bounded
     * amount (README "Limits" says what happens at each).
     *
     * @param maxMessageSize    bytes; a larger UDP datagram is dropped, a larger TCP message closes its connection
     * @param tcpReadTimeout    a TCP message whose first line arrived must be complete within this, or its
     *                          connection is closed (the RI's {@code READ_TIMEOUT})
     * @param maxTcpConnections connections the stack accepts at once; more wait in the kernel's backlog
     * @param maxLiveLegs       new INVITEs get 503 while this many legs are live
     * @param maxTransactions   new INVITEs get 503 while the stack holds this many transactions
     * @param maxQueueDelay     overload: a new INVITE that waited longer than this for a SIP thread gets 503
     * @param udpQueue          datagrams waiting for a SIP thread; past this they are dropped
     * @param retryAfter        the {@code Retry-After} of every 503 these limits send
     * @param perSourceRate     initial requests per second per source address outside {@code trusted_peers}; 0: off
     * @param perSourceBurst    how many of them may come at once
     * @param perSourcePackets  UDP datagrams per second per source outside {@code trusted_peers} (burst twice
     *                          that); the excess is dropped before it is parsed; 0: off
     */
    public record Limits(int maxMessageSize, Duration tcpReadTimeout, int maxTcpConnections, int maxLiveLegs,
                         int maxTransactions, Duration maxQueueDelay, int udpQueue, Duration retryAfter,
                         int perSourceRate, int perSourceBurst, int perSourcePackets) {

        /** The RI refuses smaller (it raises MAX_MESSAGE_SIZE to 4096). */
        public static final int MIN_MESSAGE_SIZE = 4096;
        /** The largest UDP payload. */
        public static final int MAX_MESSAGE_SIZE = 65_535;

        public static final Limits DEFAULTS = new Limits(16_384, Duration.ofSeconds(10), 1_000, 100_000, 100_000,
                Duration.ofMillis(200), 5_000, Duration.ofSeconds(5), 20, 40, 200);
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

    /**
     * @param path          the SQLite file
     * @param keepDelivered delivered events settled longer ago than this are pruned; zero keeps them forever
     */
    public record Outbox(Path path, Duration keepDelivered) {
        public static final Duration DEFAULT_KEEP_DELIVERED = Duration.ofDays(7);

        /** With the default retention of delivered events. */
        public Outbox(Path path) {
            this(path, DEFAULT_KEEP_DELIVERED);
        }

        /** True when delivered events are pruned at all. */
        public boolean prunes() {
            return !keepDelivered.isZero();
        }
    }

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
