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
 * {@code workDir} and loaded by the real loader.
 */
public final class LoopbackRig implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)}");

    private final HttpsSink sink;
    private final Callhook callhook;
    private final int proxyPort;
    private final Path directoryFile;

    private LoopbackRig(HttpsSink sink, Callhook callhook, int proxyPort, Path directoryFile) {
        this.sink = sink;
        this.callhook = callhook;
        this.proxyPort = proxyPort;
        this.directoryFile = directoryFile;
    }

    /** The documented example's directory: its SOFT device at {@code devicePort}, the upstream at {@code upstreamPort}. */
    public static LoopbackRig start(Path workDir, int devicePort, int upstreamPort) throws Exception {
        return builder(workDir).set("DEVICE_CONTACT", "sip:" + HOST + ":" + devicePort).upstreamPort(upstreamPort).start();
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
        private String adminListen;

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

        public LoopbackRig start() throws Exception {
            LocalCertificates certificates = LocalCertificates.generate();
            Path caFile = workDir.resolve("sink-ca.pem");
            certificates.writeCaPem(caFile);
            HttpsSink sink = HttpsSink.start(certificates);
            try {
                values.put("WEBHOOK_URL", sink.url().toString());
                values.put("CA_FILE", caFile.toString());
                Path directoryFile = workDir.resolve("directory.yaml");
                Files.writeString(directoryFile, fill(template != null ? template : demoTemplate(), values));
                ReloadableDirectory directory = Directories.fromFile(directoryFile, 10_000, Duration.ofMinutes(5));
                int proxyPort = FreePorts.udpAndTcp();
                CallhookConfig config = new CallhookConfig(
                        new CallhookConfig.Sip(List.of(new CallhookConfig.ListenAddress("udp", HOST, proxyPort),
                                new CallhookConfig.ListenAddress("tcp", HOST, proxyPort)),
                                "sip:" + HOST + ":" + (upstreamPort > 0 ? upstreamPort : FreePorts.udpAndTcp()),
                                List.of("127.0.0.1/32"), noAnswerTimeout, maxCallDuration, false, timerC),
                        new CallhookConfig.DirectorySettings(directoryFile, 10_000, Duration.ofMinutes(5)),
                        new CallhookConfig.Outbox(workDir.resolve("outbox.db")), new CallhookConfig.Admin(adminListen));
                return new LoopbackRig(sink, Callhook.start(config, directory, Clock.systemUTC()), proxyPort,
                        directoryFile);
            } catch (Exception | Error e) {
                sink.close();
                throw e;
            }
        }
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

    public HttpsSink sink() {
        return sink;
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
