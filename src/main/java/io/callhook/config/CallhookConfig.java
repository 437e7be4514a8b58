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
     */
    public record Sip(List<ListenAddress> listen, String upstream, List<String> trustedPeers,
                      Duration noAnswerTimeout, Duration maxCallDuration, boolean trace, Duration timerC) {

        /** More than the 3 minutes RFC 3261 §16.6 asks for. */
        public static final Duration DEFAULT_TIMER_C = Duration.ofSeconds(185);

        public Sip {
            listen = List.copyOf(listen);
            trustedPeers = List.copyOf(trustedPeers);
        }

        public Sip(List<ListenAddress> listen, String upstream, List<String> trustedPeers,
                   Duration noAnswerTimeout, Duration maxCallDuration, boolean trace) {
            this(listen, upstream, trustedPeers, noAnswerTimeout, maxCallDuration, trace, DEFAULT_TIMER_C);
        }
    }

    public record DirectorySettings(Path file, int cacheMaxEntries, Duration cacheTtl) {}

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
