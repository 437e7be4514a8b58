package io.callhook.directory;

import io.callhook.config.CaFiles;

import io.callhook.config.CallhookConfig;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.concurrent.Executors;

/**
 * The JDK {@link HttpClient} of an HTTP directory source: host names verified, the JDK's trust
 * store plus an optional {@code ca_file} (a private CA should not cost the public ones), no
 * "trust all" path. Its threads are daemons.
 */
final class HttpClients {

    private HttpClients() {}

    static HttpClient forDirectory(CallhookConfig.HttpDirectory settings) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newFixedThreadPool(2, r -> {
                    Thread t = new Thread(r, "callhook-directory-http");
                    t.setDaemon(true);
                    return t;
                }));
        if (settings.caFile() != null) {
            builder.sslContext(trustingDefaultsPlus(settings.caFile()));
        }
        return builder.build();
    }

    static SSLContext trustingDefaultsPlus(Path caFile) {
        try {
            TrustManagerFactory tmf = CaFiles.trustDefaultsPlus(caFile);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ca_file " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS with ca_file " + caFile + ": " + e.getMessage(), e);
        }
    }
}
