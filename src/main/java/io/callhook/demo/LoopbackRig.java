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
import java.util.List;

/**
 * callhook on free loopback ports with a built-in HTTPS webhook sink and a certificate made on the
 * spot: what {@code demo} runs, and what the end-to-end tests drive with SIPp or JAIN-SIP phones.
 * The directory is the documented example's, written to {@code workDir} and loaded by the real
 * loader; the user's SOFT device is expected at {@code 127.0.0.1:devicePort} and the upstream
 * (PBX / trunk) at {@code 127.0.0.1:upstreamPort}.
 */
public final class LoopbackRig implements AutoCloseable {

    public static final String HOST = "127.0.0.1";

    private final HttpsSink sink;
    private final Callhook callhook;
    private final int proxyPort;

    private LoopbackRig(HttpsSink sink, Callhook callhook, int proxyPort) {
        this.sink = sink;
        this.callhook = callhook;
        this.proxyPort = proxyPort;
    }

    public static LoopbackRig start(Path workDir, int devicePort, int upstreamPort) throws Exception {
        LocalCertificates certificates = LocalCertificates.generate();
        Path caFile = workDir.resolve("sink-ca.pem");
        certificates.writeCaPem(caFile);
        HttpsSink sink = HttpsSink.start(certificates);
        try {
            Path directoryFile = workDir.resolve("directory.yaml");
            Files.writeString(directoryFile, template()
                    .replace("${WEBHOOK_URL}", sink.url().toString())
                    .replace("${CA_FILE}", caFile.toString())
                    .replace("${DEVICE_CONTACT}", "sip:" + HOST + ":" + devicePort));
            ReloadableDirectory directory = Directories.fromFile(directoryFile, 10_000, Duration.ofMinutes(5));
            int proxyPort = FreePorts.udpAndTcp();
            CallhookConfig config = new CallhookConfig(
                    new CallhookConfig.Sip(List.of(new CallhookConfig.ListenAddress("udp", HOST, proxyPort),
                            new CallhookConfig.ListenAddress("tcp", HOST, proxyPort)),
                            "sip:" + HOST + ":" + upstreamPort, List.of("127.0.0.1/32"), Duration.ofSeconds(60),
                            Duration.ofHours(12), false),
                    new CallhookConfig.DirectorySettings(directoryFile, 10_000, Duration.ofMinutes(5)),
                    new CallhookConfig.Outbox(workDir.resolve("outbox.db")), new CallhookConfig.Admin(null));
            return new LoopbackRig(sink, Callhook.start(config, directory, Clock.systemUTC()), proxyPort);
        } catch (Exception | Error e) {
            sink.close();
            throw e;
        }
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
