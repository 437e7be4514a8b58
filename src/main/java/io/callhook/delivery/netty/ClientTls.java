package io.callhook.delivery.netty;

import io.callhook.config.CaFiles;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * One client {@link SslContext} per trust setting: the JDK's default trust store, optionally plus
 * the certificates of one PEM CA file.
 *
 * <p>Why a merged trust store rather than the CA file alone: an operator who adds a private CA for
 * one receiver should not lose the public CAs (a receiver may move behind a public certificate).
 * Why not a hand-written trust manager: the JDK's PKIX trust manager also checks the host name
 * (endpoint identification {@code HTTPS}), and there is no "trust all" path to get wrong.
 *
 * <p>Contexts are built once per CA file and cached for the life of the transport; a changed CA
 * file needs a restart. A CA file that cannot be read is not cached, so every attempt reports the
 * problem again. Thread-safe.
 */
final class ClientTls {

    private final ConcurrentMap<Optional<Path>, SslContext> contexts = new ConcurrentHashMap<>();

    /**
     * @param caFile extra PEM certificates to trust, or null
     * @throws UncheckedIOException     when the CA file cannot be read
     * @throws IllegalArgumentException when it holds no certificate or the TLS setup fails
     */
    SslContext context(Path caFile) {
        return contexts.computeIfAbsent(Optional.ofNullable(caFile), k -> build(k.orElse(null)));
    }

    private static SslContext build(Path caFile) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .endpointIdentificationAlgorithm("HTTPS");
        try {
            if (caFile != null) {
                builder.trustManager(CaFiles.trustDefaultsPlus(caFile));
            }
            return builder.build();
        } catch (SSLException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot set up TLS with ca_file " + caFile + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ca_file " + caFile + ": " + e.getMessage(), e);
        }
    }
}
