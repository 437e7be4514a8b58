package io.callhook.config;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The trust behind a {@code ca_file} setting: the JDK's own trust store plus the PEM certificates of
 * the file. Shared by the webhook transport and the HTTP directory source, which both honour a
 * {@code ca_file}.
 */
public final class CaFiles {

    private CaFiles() {}

    /** Trusts what the JDK trusts and, in addition, every certificate in {@code caFile}. */
    public static TrustManagerFactory trustDefaultsPlus(Path caFile) throws IOException, GeneralSecurityException {
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
        return tmf;
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
