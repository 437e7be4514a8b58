package io.callhook.directory;

import io.callhook.config.CallhookConfig;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
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
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            int n = 0;
            for (X509Certificate ca : defaultTrustManager().getAcceptedIssuers()) {
                store.setCertificateEntry("jdk-" + n++, ca);
            }
            Collection<? extends Certificate> extra;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(caFile))) {
                extra = CertificateFactory.getInstance("X.509").generateCertificates(in);
            }
            if (extra.isEmpty()) {
                throw new IllegalArgumentException("ca_file must hold at least one PEM certificate: " + caFile);
            }
            int i = 0;
            for (Certificate c : extra) {
                store.setCertificateEntry("ca-file-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ca_file " + caFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS with ca_file " + caFile + ": " + e.getMessage(), e);
        }
    }

    private static X509TrustManager defaultTrustManager() throws GeneralSecurityException {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x) {
                return x;
            }
        }
        throw new GeneralSecurityException("the JDK offers no X509TrustManager");
    }
}
