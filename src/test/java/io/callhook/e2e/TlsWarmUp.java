package io.callhook.e2e;

import io.callhook.demo.LocalCertificates;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyStore;

/** Full TLS handshakes over loopback, both ends in this JVM, so that the JIT has compiled JSSE before a test measures. */
final class TlsWarmUp {

    private TlsWarmUp() {}

    static void handshakes(int count, LocalCertificates certificates) throws Exception {
        SSLContext client = SSLContext.getInstance("TLS");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", certificates.caCertificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        client.init(null, tmf.getTrustManagers(), null);
        try (SSLServerSocket server = (SSLServerSocket) certificates.serverSslContext().getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                for (int i = 0; i < count; i++) {
                    try (SSLSocket s = (SSLSocket) server.accept()) {
                        s.startHandshake();
                        s.getOutputStream().write(1);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "tls-warm-up");
            acceptor.setDaemon(true);
            acceptor.start();
            for (int i = 0; i < count; i++) {
                try (SSLSocket s = (SSLSocket) client.getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                    s.startHandshake();
                    s.getInputStream().read();
                }
            }
            acceptor.join(10_000);
        }
    }
}
