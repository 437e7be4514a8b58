package io.callhook.demo;

import io.callhook.app.Callhook;
import io.callhook.config.CallhookConfig;
import io.callhook.directory.Directories;
import io.callhook.directory.ReloadableDirectory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * callhook on free loopback ports with a built-in HTTPS webhook sink and a certificate made on the
 * spot: what {@code demo} runs, and what the end-to-end tests drive with SIPp or JAIN-SIP phones.
 * The directory is a YAML template (by default the documented example's) whose {@code ${NAME}}
 * placeholders are filled in — {@code WEBHOOK_URL} and {@code CA_FILE} by the rig — then written to
 * {@code workDir} and loaded by the real loader. The outbox is {@code workDir/outbox.db}; a
 * {@code callhook.yaml} naming it is written beside, so the operator CLI can be pointed at
 * {@link #configFile()} while the rig runs.
 */
public final class LoopbackRig implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    /** A loopback address outside the rig's trusted peers, for access-control tests. */
    public static final String UNTRUSTED_HOST = "127.0.0.2";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    private final HttpsSink sink;
    private final Callhook callhook;
    private final int proxyPort;
    private final Path directoryFile;
    private final Path configFile;
    private final Path caFile;
    private final ReloadableDirectory directory;
    private final Map<String, String> placeholders;

    private LoopbackRig(HttpsSink sink, Callhook callhook, int proxyPort, Path directoryFile, Path configFile,
                        Path caFile, ReloadableDirectory directory, Map<String, String> placeholders) {
        this.directory = directory;
        this.placeholders = placeholders;
        this.sink = sink;
        this.callhook = callhook;
        this.proxyPort = proxyPort;
        this.directoryFile = directoryFile;
        this.configFile = configFile;
        this.caFile = caFile;
    }

    /** The documented example's directory: its SOFT device at {@code devicePort}, the upstream at {@code upstreamPort}. */
    public static LoopbackRig start(Path workDir, int devicePort, int upstreamPort) throws Exception {
        return builder(workDir).devicePort(devicePort).upstreamPort(upstreamPort).start();
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /** What to start: the directory template, its values, and the SIP timers. */
    public static final class Builder {
        private final Path workDir;
        private String template;
        private final Map<String, String> values = new LinkedHashMap<>();
        private int upstreamPort;
        private Duration noAnswerTimeout = Duration.ofSeconds(60);
        private Duration maxCallDuration = Duration.ofHours(12);
        private Duration timerC = CallhookConfig.Sip.DEFAULT_TIMER_C;
        private int devicePort = -1;
        private List<String> trustedPeers = List.of(HOST + "/32");
        private CallhookConfig.HttpDirectory httpDirectory;
        private boolean withFile = true;
        private String adminListen;
        private CallhookConfig.Limits limits = CallhookConfig.Limits.DEFAULTS;
        private java.util.function.UnaryOperator<ReloadableDirectory> directoryWrapper = d -> d;

        private Builder(Path workDir) {
            this.workDir = workDir;
        }

        public Builder directoryTemplate(String yaml) {
            this.template = yaml;
            return this;
        }

        public Builder set(String placeholder, String value) {
            values.put(placeholder, value);
            return this;
        }

        /** Same as {@link #directoryTemplate}. */
        public Builder directory(String template) {
            return directoryTemplate(template);
        }

        /** Same as {@link #set}. */
        public Builder placeholder(String name, String value) {
            return set(name, value);
        }

        /** Where the documented example's SOFT device listens ({@code ${DEVICE_CONTACT}}). */
        public Builder devicePort(int port) {
            this.devicePort = port;
            return this;
        }

        public Builder trustedPeers(List<String> cidrs) {
            this.trustedPeers = List.copyOf(cidrs);
            return this;
        }

        /** Looks users up in this HTTP directory source too (after the file, or alone without one). */
        public Builder httpDirectory(CallhookConfig.HttpDirectory http, boolean alsoFile) {
            this.httpDirectory = http;
            this.withFile = alsoFile;
            return this;
        }

        public Builder upstreamPort(int port) {
            this.upstreamPort = port;
            return this;
        }

        public Builder noAnswerTimeout(Duration d) {
            this.noAnswerTimeout = d;
            return this;
        }

        public Builder maxCallDuration(Duration d) {
            this.maxCallDuration = d;
            return this;
        }

        public Builder timerC(Duration d) {
            this.timerC = d;
            return this;
        }

        /** Serve /health and /metrics on {@code host:port} (port 0: a free one, see {@link Callhook#adminPort()}). */
        public Builder admin(String listen) {
            this.adminListen = listen;
            return this;
        }

        /** {@code sip.limits} (default: the documented defaults). */
        public Builder limits(CallhookConfig.Limits limits) {
            this.limits = limits;
            return this;
        }

        /** Hands callhook {@code wrapper(directory)} instead of the directory (tests inject faults this way). */
        public Builder wrapDirectory(java.util.function.UnaryOperator<ReloadableDirectory> wrapper) {
            this.directoryWrapper = wrapper;
            return this;
        }

        public LoopbackRig start() throws Exception {
            LocalCertificates certificates = LocalCertificates.generate();
            Path caFile = workDir.resolve("sink-ca.pem");
            certificates.writeCaPem(caFile);
            HttpsSink sink = HttpsSink.start(certificates);
            try {
                values.put("WEBHOOK_URL", sink.url().toString());
                values.put("CA_FILE", caFile.toString());
                values.put("SINK_CA_FILE", caFile.toString());
                values.putIfAbsent("DEVICE_CONTACT",
                        "sip:" + HOST + ":" + (devicePort > 0 ? devicePort : FreePorts.udpAndTcp()));
                Path directoryFile = workDir.resolve("directory.yaml");
                Files.writeString(directoryFile, fill(template != null ? template : demoTemplate(), values));
                CallhookConfig.DirectorySettings directorySettings = new CallhookConfig.DirectorySettings(
                        withFile ? directoryFile : null, 10_000, Duration.ofMinutes(5), httpDirectory);
                ReloadableDirectory directory = directoryWrapper.apply(Directories.from(directorySettings));
                int proxyPort = FreePorts.udpAndTcp();
                int upstream = upstreamPort > 0 ? upstreamPort : FreePorts.udpAndTcp();
                Path outbox = workDir.resolve("outbox.db");
                Path configFile = workDir.resolve("callhook.yaml");
                Files.writeString(configFile, config(proxyPort, upstream, directoryFile, outbox));
                CallhookConfig config = new CallhookConfig(
                        new CallhookConfig.Sip(List.of(new CallhookConfig.ListenAddress("udp", HOST, proxyPort),
                                new CallhookConfig.ListenAddress("tcp", HOST, proxyPort)),
                                "sip:" + HOST + ":" + upstream,
                                trustedPeers, noAnswerTimeout, maxCallDuration, false, timerC,
                                io.callhook.config.ConfigLoader.DEFAULT_NONCE_TTL, limits),
                        directorySettings, new CallhookConfig.Outbox(outbox), new CallhookConfig.Admin(adminListen));
                return new LoopbackRig(sink, Callhook.start(config, directory, Clock.systemUTC()), proxyPort,
                        directoryFile, configFile, caFile, directory, Map.copyOf(values));
            } catch (Exception | Error e) {
                sink.close();
                throw e;
            }
        }
    }

    /**
     * A {@code callhook.yaml} for loopback: UDP and TCP on {@code proxyPort}, the given upstream,
     * directory and outbox (SIP timers at their defaults).
     */
    public static String config(int proxyPort, int upstreamPort, Path directoryFile, Path outbox) {
        return "sip:\n"
                + "  listen: [\"udp:" + HOST + ":" + proxyPort + "\", \"tcp:" + HOST + ":" + proxyPort + "\"]\n"
                + "  upstream: \"sip:" + HOST + ":" + upstreamPort + "\"\n"
                + "  trusted_peers: [\"127.0.0.1/32\"]\n"
                + "directory:\n"
                + "  file: " + directoryFile.toAbsolutePath() + "\n"
                + "outbox:\n"
                + "  path: " + outbox.toAbsolutePath() + "\n";
    }

    static String fill(String template, Map<String, String> values) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = values.get(m.group(1));
            if (value == null) {
                throw new IllegalArgumentException("directory template needs a value for ${" + m.group(1) + "}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String demoTemplate() throws IOException {
        try (InputStream in = LoopbackRig.class.getResourceAsStream("directory.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    public ReloadableDirectory directory() {
        return directory;
    }

    /**
     * Replaces the directory file with {@code template} (placeholders filled as at start), in one
     * atomic rename, as an operator's deployment tool would; the running callhook picks it up.
     */
    public void writeDirectory(String template) throws IOException {
        Path tmp = directoryFile.resolveSibling(directoryFile.getFileName() + ".tmp");
        Files.writeString(tmp, fill(template, placeholders));
        Files.move(tmp, directoryFile, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public HttpsSink sink() {
        return sink;
    }

    /** A {@code callhook.yaml} naming this rig's outbox and directory (for the operator CLI). */
    public Path configFile() {
        return configFile;
    }

    /** The CA file that vouches for the sink's certificate. */
    public Path caFile() {
        return caFile;
    }

    public Callhook callhook() {
        return callhook;
    }

    public int proxyPort() {
        return proxyPort;
    }

    /** The directory file the rig wrote (tests may edit it to exercise reloads). */
    public Path directoryFile() {
        return directoryFile;
    }

    /** The proxy as {@code host:port}. */
    public String proxy() {
        return HOST + ":" + proxyPort;
    }

    @Override
    public void close() {
        callhook.close();
        sink.close();
    }
}
