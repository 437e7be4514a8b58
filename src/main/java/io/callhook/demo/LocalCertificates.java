package io.callhook.demo;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/**
 * A throw-away certificate authority and a server certificate for {@code localhost}
 * ({@code DNS:localhost}, {@code IP:127.0.0.1}, {@code IP:::1}) signed by it, made in memory at
 * start; for the demo's HTTPS sink and for tests that need real, verified TLS on loopback.
 *
 * <p>Why a CA and not one self-signed server certificate: the client side is then configured
 * exactly like production (a {@code ca_file} to trust, host name checked against the SANs), so the
 * demo exercises the real verification path and no "trust all" switch is ever needed.
 *
 * <p>BouncyCastle only builds the certificate structures; keys, signatures and certificate parsing
 * use the JDK's own providers (the BC provider is never registered: the shaded jar strips the
 * signatures a JCE provider jar would need). Keys are EC P-256, validity is one day back (clock
 * skew) to 30 days ahead. Immutable and thread-safe once made.
 */
public final class LocalCertificates {

    private static final char[] KEY_PASSWORD = "callhook-demo".toCharArray();
    private static final String SIGNATURE = "SHA256withECDSA";

    private final X509Certificate ca;
    private final X509Certificate server;
    private final PrivateKey serverKey;

    private LocalCertificates(X509Certificate ca, X509Certificate server, PrivateKey serverKey) {
        this.ca = ca;
        this.server = server;
        this.serverKey = serverKey;
    }

    /** Makes a fresh CA and server certificate, valid around now. */
    public static LocalCertificates generate() {
        return generate(Clock.systemUTC());
    }

    /** Makes a fresh CA and server certificate, valid from {@code clock}'s now − 1 day to now + 30 days. */
    public static LocalCertificates generate(Clock clock) {
        try {
            Instant now = clock.instant();
            Date notBefore = Date.from(now.minus(Duration.ofDays(1)));
            Date notAfter = Date.from(now.plus(Duration.ofDays(30)));
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();

            KeyPair caKeys = newKeyPair();
            X500Name caName = new X500Name("CN=callhook local CA");
            X509v3CertificateBuilder caCert = new JcaX509v3CertificateBuilder(caName, serial(), notBefore, notAfter,
                    caName, caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate ca = sign(caCert, caKeys.getPrivate());

            KeyPair serverKeys = newKeyPair();
            GeneralNames names = new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                    new GeneralName(GeneralName.iPAddress, "::1")});
            X509v3CertificateBuilder serverCert = new JcaX509v3CertificateBuilder(ca, serial(), notBefore, notAfter,
                    new X500Name("CN=localhost"), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, names)
                    .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(serverKeys.getPublic()));
            X509Certificate server = sign(serverCert, caKeys.getPrivate());
            return new LocalCertificates(ca, server, serverKeys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | CertIOException e) {
            throw new IllegalStateException("cannot make the local demo certificates: " + e.getMessage(), e);
        }
    }

    public X509Certificate caCertificate() {
        return ca;
    }

    public X509Certificate serverCertificate() {
        return server;
    }

    /** A fresh PKCS#12 key store with the server key and chain under alias {@code server}. */
    public KeyStore serverKeyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", serverKey, KEY_PASSWORD, new Certificate[] {server, ca});
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the demo key store: " + e.getMessage(), e);
        }
    }

    /** The password of {@link #serverKeyStore()} and of its key entry (a copy). */
    public char[] keyStorePassword() {
        return KEY_PASSWORD.clone();
    }

    /** A TLS server context presenting the localhost certificate and its CA. */
    public SSLContext serverSslContext() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(serverKeyStore(), KEY_PASSWORD);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the demo TLS context: " + e.getMessage(), e);
        }
    }

    /** The CA certificate as PEM text. */
    public String caPem() {
        try {
            String base64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(ca.getEncoded());
            return "-----BEGIN CERTIFICATE-----\n" + base64 + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encode the demo CA: " + e.getMessage(), e);
        }
    }

    /** Writes the CA certificate as PEM, for a webhook's {@code ca_file}. */
    public void writeCaPem(Path file) {
        try {
            Files.writeString(file, caPem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the demo CA to " + file + ": " + e.getMessage(), e);
        }
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(63, new SecureRandom()).add(BigInteger.ONE);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
    }
}
