package io.callhook.e2e;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.callhook.demo.LocalCertificates;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A provisioning system on loopback HTTPS (its own CA, written to a file for {@code ca_file}):
 * answers {@code GET} lookups with the JSON set per path, 404 otherwise, or a forced status while
 * it is "down". Records every path asked for.
 */
final class ProvisioningServer implements AutoCloseable {

    private final HttpsServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2);
    private final Map<String, String> answers = new ConcurrentHashMap<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private final Path caFile;
    private volatile int forcedStatus;

    ProvisioningServer(Path workDir) throws IOException {
        LocalCertificates certificates = LocalCertificates.generate();
        caFile = workDir.resolve("provisioning-ca.pem");
        certificates.writeCaPem(caFile);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverSslContext()));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI baseUrl() {
        return URI.create("https://127.0.0.1:" + server.getAddress().getPort() + "/callhook/v1");
    }

    Path caFile() {
        return caFile;
    }

    /** Answers {@code GET /callhook/v1 + path} (raw, e.g. {@code /numbers/%2B358…}) with {@code json}. */
    void answer(String path, String json) {
        answers.put("/callhook/v1" + path, json);
    }

    /** Every request from now on gets {@code status} (0: back to normal). */
    void forceStatus(int status) {
        this.forcedStatus = status;
    }

    List<String> asked() {
        return List.copyOf(asked);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            URI uri = exchange.getRequestURI();
            String path = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
            asked.add(exchange.getRequestMethod() + " " + path);
            String body = answers.get(path);
            int status = forcedStatus != 0 ? forcedStatus : body == null ? 404 : 200;
            byte[] bytes = status == 200 ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
