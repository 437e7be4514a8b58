package io.callhook.config;

import io.callhook.config.CallhookConfig.Admin;
import io.callhook.config.CallhookConfig.DirectorySettings;
import io.callhook.config.CallhookConfig.HttpDirectory;
import io.callhook.config.CallhookConfig.Limits;
import io.callhook.config.CallhookConfig.ListenAddress;
import io.callhook.config.CallhookConfig.Outbox;
import io.callhook.config.CallhookConfig.Sip;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads {@code callhook.yaml} (SPEC §7) into a {@link CallhookConfig}, reporting every problem at
 * once. Relative paths stay relative, i.e. they are resolved against the working directory.
 */
public final class ConfigLoader {

    public static final Duration DEFAULT_NO_ANSWER_TIMEOUT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_MAX_CALL_DURATION = Duration.ofHours(12);
    public static final Duration DEFAULT_NONCE_TTL = Duration.ofMinutes(5);
    public static final int DEFAULT_CACHE_MAX_ENTRIES = 100_000;
    public static final Duration DEFAULT_CACHE_TTL = Duration.ofMinutes(5);
    public static final Path DEFAULT_OUTBOX_PATH = Path.of("data/outbox.db");

    private ConfigLoader() {}

    /** @throws ConfigException with one {@code file:line: key: message} per problem */
    public static CallhookConfig load(Path file) throws ConfigException {
        return load(YamlDocument.parse(file));
    }

    /** As {@link #load(Path)}, for text parsed already (the fuzz test feeds it arbitrary text). */
    static CallhookConfig load(YamlDocument doc) throws ConfigException {
        YamlNode root = doc.root();
        root.allowKeys("sip", "directory", "outbox", "admin");
        CallhookConfig config = new CallhookConfig(sip(root.get("sip")), directory(root.get("directory")),
                outbox(root.get("outbox")), admin(root.get("admin")));
        doc.throwIfProblems();
        return config;
    }

    private static Sip sip(YamlNode sip) {
        sip.allowKeys("listen", "upstream", "trusted_peers", "no_answer_timeout", "max_call_duration", "trace",
                "timer_c", "nonce_ttl", "limits");
        YamlNode listenNode = sip.get("listen");
        List<ListenAddress> listen = new ArrayList<>();
        if (listenNode.require()) {
            List<YamlNode> items = listenNode.list();
            if (items.isEmpty() && listenNode.isList()) {
                listenNode.problem("must name at least one address, like udp:127.0.0.1:5060");
            }
            items.forEach(item -> listenAddress(item).ifPresent(listen::add));
        }
        String upstream = sip.get("upstream").text().map(String::strip).orElse(null);
        if (upstream != null && SipUri.parse(upstream).isEmpty()) {
            sip.get("upstream").problem("must be a sip: URI like sip:10.0.0.5:5060: " + upstream);
            upstream = null;
        }
        List<String> trusted = new ArrayList<>();
        for (YamlNode item : sip.get("trusted_peers").list()) {
            item.requiredText().ifPresent(text -> {
                try {
                    Cidr cidr = Cidr.parse(text);
                    trusted.add(text.contains("/") ? text.strip() : text.strip() + "/" + cidr.prefixLength());
                } catch (IllegalArgumentException e) {
                    item.problem(e.getMessage());
                }
            });
        }
        return new Sip(listen, upstream, trusted,
                sip.get("no_answer_timeout").duration(DEFAULT_NO_ANSWER_TIMEOUT),
                sip.get("max_call_duration").duration(DEFAULT_MAX_CALL_DURATION),
                sip.get("trace").bool(false),
                sip.get("timer_c").duration(CallhookConfig.Sip.DEFAULT_TIMER_C),
                sip.get("nonce_ttl").duration(DEFAULT_NONCE_TTL),
                limits(sip.get("limits")));
    }

    private static Limits limits(YamlNode limits) {
        limits.allowKeys("max_message_size", "tcp_read_timeout", "max_tcp_connections", "max_live_legs",
                "max_transactions", "max_queue_delay", "udp_queue", "retry_after", "per_source_rate",
                "per_source_burst", "per_source_packets");
        Limits d = Limits.DEFAULTS;
        int rate = limits.get("per_source_rate").integer(0, 1_000_000).orElse(d.perSourceRate());
        YamlNode burstNode = limits.get("per_source_burst");
        // the burst defaults to twice the rate, and can never be below the rate
        int burst = burstNode.integer(1, 1_000_000).orElse(Math.max(1, 2 * rate));
        if (burstNode.isPresent() && burst < rate) {
            burstNode.problem("must be at least per_source_rate (" + rate + "): " + burst);
        }
        return new Limits(
                limits.get("max_message_size").integer(Limits.MIN_MESSAGE_SIZE, Limits.MAX_MESSAGE_SIZE)
                        .orElse(d.maxMessageSize()),
                limits.get("tcp_read_timeout").duration(d.tcpReadTimeout()),
                limits.get("max_tcp_connections").integer(1, 1_000_000).orElse(d.maxTcpConnections()),
                limits.get("max_live_legs").integer(1, Integer.MAX_VALUE).orElse(d.maxLiveLegs()),
                limits.get("max_transactions").integer(1, Integer.MAX_VALUE).orElse(d.maxTransactions()),
                limits.get("max_queue_delay").duration(d.maxQueueDelay()),
                limits.get("udp_queue").integer(100, 1_000_000).orElse(d.udpQueue()),
                retryAfter(limits.get("retry_after"), d.retryAfter()),
                rate, burst, limits.get("per_source_packets").integer(0, 10_000_000).orElse(d.perSourcePackets()));
    }

    private static Optional<ListenAddress> listenAddress(YamlNode item) {
        return item.requiredText().flatMap(text -> {
            String t = text.strip();
            int colon = t.indexOf(':');
            String transport = colon < 0 ? "" : t.substring(0, colon).toLowerCase(Locale.ROOT);
            if (!transport.equals("udp") && !transport.equals("tcp")) {
                item.problem("use udp:HOST:PORT or tcp:HOST:PORT: " + t);
                return Optional.empty();
            }
            try {
                HostPort hp = HostPort.parse(t.substring(colon + 1), transport + ":HOST:PORT", t);
                return Optional.of(new ListenAddress(transport, hp.host(), hp.port()));
            } catch (IllegalArgumentException e) {
                item.problem(e.getMessage());
                return Optional.empty();
            }
        });
    }

    private static DirectorySettings directory(YamlNode directory) {
        directory.allowKeys("file", "cache", "http");
        YamlNode fileNode = directory.get("file");
        YamlNode httpNode = directory.get("http");
        Path file;
        if (httpNode.isPresent() && !fileNode.isPresent()) {
            file = null; // the HTTP source answers alone
        } else {
            file = fileNode.requiredText().isPresent() ? fileNode.filePath().orElse(null) : null;
        }
        if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
            fileNode.problem("no such readable file: " + file);
        }
        YamlNode cache = directory.get("cache");
        cache.allowKeys("max_entries", "ttl");
        int maxEntries = cache.get("max_entries").integer(1, Integer.MAX_VALUE).orElse(DEFAULT_CACHE_MAX_ENTRIES);
        HttpDirectory http = httpNode.isPresent() ? HttpDirectoryReader.read(httpNode) : null;
        return new DirectorySettings(file, maxEntries, cache.get("ttl").duration(DEFAULT_CACHE_TTL), http);
    }

    /** Retry-After is whole seconds: at least 1s. */
    private static Duration retryAfter(YamlNode node, Duration absent) {
        Duration d = node.duration(absent);
        if (d.toSeconds() < 1) {
            node.problem("must be at least 1s (Retry-After counts whole seconds): " + Durations.format(d));
            return absent;
        }
        return d;
    }

    private static Outbox outbox(YamlNode outbox) {
        outbox.allowKeys("path", "keep_delivered");
        return new Outbox(outbox.get("path").filePath().orElse(DEFAULT_OUTBOX_PATH),
                keepDelivered(outbox.get("keep_delivered")));
    }

    /** A duration like {@code 7d}, or {@code 0} (any zero duration): delivered events are kept forever. */
    private static Duration keepDelivered(YamlNode node) {
        Duration absent = Outbox.DEFAULT_KEEP_DELIVERED;
        return node.text().map(String::strip).map(t -> {
            try {
                return Durations.parse(t.equals("0") ? "0s" : t);
            } catch (IllegalArgumentException e) {
                node.problem(e.getMessage() + ", or 0 to keep delivered events forever");
                return absent;
            }
        }).orElse(absent);
    }

    private static Admin admin(YamlNode admin) {
        admin.allowKeys("listen");
        YamlNode listen = admin.get("listen");
        Optional<String> text = listen.text().map(String::strip);
        text.ifPresent(t -> {
            try {
                HostPort.parse(t);
            } catch (IllegalArgumentException e) {
                listen.problem(e.getMessage());
            }
        });
        return new Admin(text.orElse(null));
    }
}
