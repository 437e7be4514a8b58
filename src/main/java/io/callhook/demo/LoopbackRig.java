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
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * callhook on free loopback ports with a built-in HTTPS webhook sink and a certificate made on the
 * spot: what {@code demo} runs, and what the end-to-end tests drive with SIPp or JAIN-SIP phones.
 * The directory is the documented example's, written to {@code workDir} and loaded by the real
 * loader; the user's SOFT device is expected at {@code 127.0.0.1:devicePort} and the upstream
 * (PBX / trunk) at {@code 127.0.0.1:upstreamPort}. Only {@code 127.0.0.1/32} is a trusted peer, so
 * anything sent from another loopback address ({@code 127.0.0.2}) must authenticate.
 *
 * <p>{@link #builder} starts one with another directory (a template with {@code ${NAME}}
 * placeholders), other trusted peers, or an HTTP directory source.
 */
public final class LoopbackRig implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    /** A loopback address that is not a trusted peer of the rig: requests from it must authenticate. */
    public static final String UNTRUSTED_HOST = "127.0.0.2";

    private final HttpsSink sink;
    private final Callhook callhook;
    private final int proxyPort;
    private final Path directoryFile;
    private final ReloadableDirectory directory;
    private final Map<String, String> placeholders;

    private LoopbackRig(HttpsSink sink, Callhook callhook, int proxyPort, Path directoryFile,
                        ReloadableDirectory directory, Map<String, String> placeholders) {
        this.sink = sink;
        this.callhook = callhook;
        this.proxyPort = proxyPort;
        this.directoryFile = directoryFile;
        this.directory = directory;
        this.placeholders = placeholders;
    }

    public static LoopbackRig start(Path workDir, int devicePort, int upstreamPort) throws Exception {
        return builder(workDir).devicePort(devicePort).upstreamPort(upstreamPort).start();
    }

    public static Builder builder(Path workDir) {
        return new Builder(workDir);
    }

    /** Options for {@link #builder}; everything has the documented example's default. */
    public static final class Builder {
        private final Path workDir;
        private int devicePort = -1;
        private int upstreamPort = -1;
        private String directoryTemplate;
        private final Map<String, String> placeholders = new LinkedHashMap<>();
        private List<String> trustedPeers = List.of(HOST + "/32");
        private CallhookConfig.HttpDirectory httpDirectory;
        private boolean withFile = true;

        private Builder(Path workDir) {
            this.workDir = workDir;
        }

        public Builder devicePort(int port) {
            this.devicePort = port;
            return this;
        }

        public Builder upstreamPort(int port) {
            this.upstreamPort = port;
            return this;
        }

        /**
         * The directory YAML, with {@code ${WEBHOOK_URL}}, {@code ${CA_FILE}}, {@code ${DEVICE_CONTACT}}
         * and any {@link #placeholder} filled in at start (and by {@link #writeDirectory}).
         */
        public Builder directory(String template) {
            this.directoryTemplate = template;
            return this;
        }

        public Builder placeholder(String name, String value) {
            placeholders.put(name, value);
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

        public LoopbackRig start() throws Exception {
            LocalCertificates certificates = LocalCertificates.generate();
            Path caFile = workDir.resolve("sink-ca.pem");
            certificates.writeCaPem(caFile);
            HttpsSink sink = HttpsSink.start(certificates);
            try {
                Map<String, String> values = new LinkedHashMap<>();
                values.put("WEBHOOK_URL", sink.url().toString());
                values.put("CA_FILE", caFile.toString());
                values.put("SINK_CA_FILE", caFile.toString());
                values.put("DEVICE_CONTACT", "sip:" + HOST + ":" + (devicePort > 0 ? devicePort : FreePorts.udpAndTcp()));
                values.putAll(placeholders);
                Path directoryFile = workDir.resolve("directory.yaml");
                Files.writeString(directoryFile, fill(directoryTemplate != null ? directoryTemplate : template(), values));
                CallhookConfig.DirectorySettings settings = new CallhookConfig.DirectorySettings(
                        withFile ? directoryFile : null, 10_000, Duration.ofMinutes(5), httpDirectory);
                ReloadableDirectory directory = Directories.from(settings);
                int proxyPort = FreePorts.udpAndTcp();
                int upstream = upstreamPort > 0 ? upstreamPort : FreePorts.udpAndTcp();
                CallhookConfig config = new CallhookConfig(
                        new CallhookConfig.Sip(List.of(new CallhookConfig.ListenAddress("udp", HOST, proxyPort),
                                new CallhookConfig.ListenAddress("tcp", HOST, proxyPort)),
                                "sip:" + HOST + ":" + upstream, trustedPeers, Duration.ofSeconds(60),
                                Duration.ofHours(12), false),
                        settings, new CallhookConfig.Outbox(workDir.resolve("outbox.db")), new CallhookConfig.Admin(null));
                return new LoopbackRig(sink, Callhook.start(config, directory, Clock.systemUTC()), proxyPort,
                        directoryFile, directory, values);
            } catch (Exception | Error e) {
                sink.close();
                throw e;
            }
        }
    }

    private static String template() throws IOException {
        try (InputStream in = LoopbackRig.class.getResourceAsStream("directory.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static String fill(String template, Map<String, String> values) {
        String text = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            text = text.replace("${" + e.getKey() + "}", e.getValue());
        }
        return text;
    }

    public HttpsSink sink() {
        return sink;
    }

    public Callhook callhook() {
        return callhook;
    }

    public int proxyPort() {
        return proxyPort;
    }

    /** The proxy as {@code host:port}. */
    public String proxy() {
        return HOST + ":" + proxyPort;
    }

    /** The directory file the running callhook watches (reloaded within about 2 s of a change). */
    public Path directoryFile() {
        return directoryFile;
    }

    /** The directory the running callhook answers from. */
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
        Files.move(tmp, directoryFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void close() {
        callhook.close();
        sink.close();
    }
}
