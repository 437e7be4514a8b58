package io.callhook.demo;

import io.callhook.app.Callhook;
import io.callhook.config.CallhookConfig;
import io.callhook.config.ConfigLoader;
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
import java.util.Map;

/**
 * callhook on free loopback ports with a built-in HTTPS webhook sink and a certificate made on the
 * spot: what {@code demo} runs, and what the end-to-end tests drive with SIPp or JAIN-SIP phones.
 * The configuration ({@code callhook.yaml}, outbox in {@code workDir/outbox.db}) and the directory
 * are written to {@code workDir} and loaded by the real loaders, so the operator CLI can be pointed
 * at {@link #configFile()} while the rig runs. By default the directory is the documented example's;
 * the user's SOFT device is expected at {@code 127.0.0.1:devicePort} and the upstream (PBX / trunk)
 * at {@code 127.0.0.1:upstreamPort}.
 */
public final class LoopbackRig implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private final HttpsSink sink;
    private final Callhook callhook;
    private final int proxyPort;
    private final Path configFile;
    private final LocalCertificates certificates;
    private final Path caFile;

    private LoopbackRig(HttpsSink sink, Callhook callhook, int proxyPort, Path configFile,
                        LocalCertificates certificates, Path caFile) {
        this.sink = sink;
        this.callhook = callhook;
        this.proxyPort = proxyPort;
        this.configFile = configFile;
        this.certificates = certificates;
        this.caFile = caFile;
    }

    public static LoopbackRig start(Path workDir, int devicePort, int upstreamPort) throws Exception {
        return start(workDir, upstreamPort, template(), Map.of("DEVICE_CONTACT", "sip:" + HOST + ":" + devicePort));
    }

    /**
     * @param directoryTemplate a directory YAML; {@code ${WEBHOOK_URL}} and {@code ${CA_FILE}} name the
     *                          built-in sink and its CA, {@code ${NAME}} is replaced by {@code values.get(NAME)}
     */
    public static LoopbackRig start(Path workDir, int upstreamPort, String directoryTemplate,
                                    Map<String, String> values) throws Exception {
        LocalCertificates certificates = LocalCertificates.generate();
        Path caFile = workDir.resolve("sink-ca.pem");
        certificates.writeCaPem(caFile);
        HttpsSink sink = HttpsSink.start(certificates);
        try {
            Map<String, String> all = new LinkedHashMap<>(values);
            all.put("WEBHOOK_URL", sink.url().toString());
            all.put("CA_FILE", caFile.toString());
            String directoryYaml = directoryTemplate;
            for (Map.Entry<String, String> v : all.entrySet()) {
                directoryYaml = directoryYaml.replace("${" + v.getKey() + "}", v.getValue());
            }
            Path directoryFile = workDir.resolve("directory.yaml");
            Files.writeString(directoryFile, directoryYaml);
            int proxyPort = FreePorts.udpAndTcp();
            Path configFile = workDir.resolve("callhook.yaml");
            Files.writeString(configFile, config(proxyPort, upstreamPort, directoryFile, workDir.resolve("outbox.db")));
            CallhookConfig config = ConfigLoader.load(configFile);
            ReloadableDirectory directory = Directories.fromFile(directoryFile, 10_000, Duration.ofMinutes(5));
            return new LoopbackRig(sink, Callhook.start(config, directory, Clock.systemUTC()), proxyPort, configFile,
                    certificates, caFile);
        } catch (Exception | Error e) {
            sink.close();
            throw e;
        }
    }

    /** A {@code callhook.yaml} for loopback: UDP and TCP on {@code proxyPort}, the given upstream, directory and outbox. */
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

    private static String template() throws IOException {
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

    /** The {@code callhook.yaml} this rig runs with (for the operator CLI). */
    public Path configFile() {
        return configFile;
    }

    /** The certificates the sink serves, to start more sinks the same CA file vouches for. */
    public LocalCertificates certificates() {
        return certificates;
    }

    public Path caFile() {
        return caFile;
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
