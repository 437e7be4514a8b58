package io.callhook.demo;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class LocalCertificatesTest {

    private static final Instant NOW = Instant.parse("2025-06-01T10:00:00Z");
    private final LocalCertificates certificates = LocalCertificates.generate(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void theServerCertificateIsSignedByTheCa() throws Exception {
        X509Certificate ca = certificates.caCertificate();
        X509Certificate server = certificates.serverCertificate();

        server.verify(ca.getPublicKey());
        ca.verify(ca.getPublicKey());
        assertThat(server.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(server.getBasicConstraints()).isEqualTo(-1);
        assertThat(server.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");
    }

    @Test
    void theServerCertificateNamesLocalhostAndBothLoopbackAddresses() throws Exception {
        assertThat(certificates.serverCertificate().getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"), List.of(7, "0:0:0:0:0:0:0:1"));
    }

    @Test
    void bothCertificatesAreValidFromADayBackToThirtyDaysAhead() {
        for (X509Certificate c : List.of(certificates.caCertificate(), certificates.serverCertificate())) {
            assertThat(c.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofDays(1)));
            assertThat(c.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(30)));
        }
    }

    @Test
    void theCaPemReadsBackAsTheCaCertificate(@TempDir Path dir) throws Exception {
        Path pem = dir.resolve("ca.pem");

        certificates.writeCaPem(pem);

        assertThat(Files.readString(pem)).startsWith("-----BEGIN CERTIFICATE-----\n").endsWith("-----END CERTIFICATE-----\n");
        try (InputStream in = Files.newInputStream(pem)) {
            assertThat(CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .isEqualTo(certificates.caCertificate());
        }
    }

    @Test
    void theKeyStoreHoldsTheServerKeyAndChain() throws Exception {
        KeyStore store = certificates.serverKeyStore();

        assertThat(store.isKeyEntry("server")).isTrue();
        assertThat(store.getKey("server", certificates.keyStorePassword())).isNotNull();
        assertThat(store.getCertificateChain("server"))
                .containsExactly(certificates.serverCertificate(), certificates.caCertificate());
    }

    @Test
    void noBouncyCastleProviderIsRegistered() {
        assertThat(java.security.Security.getProvider("BC")).isNull();
    }
}
