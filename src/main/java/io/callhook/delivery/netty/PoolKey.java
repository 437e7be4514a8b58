package io.callhook.delivery.netty;

import io.callhook.delivery.Endpoint;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * What makes two endpoints share connections: same scheme, host, port and, for HTTPS, the same
 * extra CA file (a connection verified against one trust setting must not serve another).
 *
 * @param host   lower case, IPv6 literals without brackets
 * @param caFile null for plain HTTP and for HTTPS with the JDK trust store only
 */
record PoolKey(String scheme, String host, int port, Path caFile) {

    static PoolKey of(Endpoint endpoint) {
        URI url = endpoint.url();
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("webhook url scheme must be http or https: " + url);
        }
        String host = url.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("webhook url must name a host: " + url);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        boolean tls = scheme.equals("https");
        int port = url.getPort() != -1 ? url.getPort() : defaultPort(tls);
        return new PoolKey(scheme, host.toLowerCase(Locale.ROOT), port, tls ? endpoint.caFile() : null);
    }

    boolean tls() {
        return scheme.equals("https");
    }

    /** The {@code Host} header: brackets around IPv6 literals, the port only when not the default. */
    String hostHeader() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == defaultPort(tls()) ? h : h + ":" + port;
    }

    /** {@code scheme://host:port}, for messages. */
    String origin() {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }

    private static int defaultPort(boolean tls) {
        return tls ? 443 : 80;
    }
}
