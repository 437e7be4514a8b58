package io.callhook.sip;

import javax.sip.ListeningPoint;
import javax.sip.address.SipURI;
import javax.sip.address.URI;
import java.util.List;
import java.util.Locale;

/** The proxy's own transport addresses: answers "does this URI point at us?" (Route popping, loops). */
final class LocalAddresses {

    private record HostPort(String host, int port) {}

    private final List<HostPort> addresses;

    LocalAddresses(List<ListeningPoint> listeningPoints) {
        this.addresses = listeningPoints.stream()
                .map(lp -> new HostPort(normalizeHost(lp.getIPAddress()), lp.getPort()))
                .distinct()
                .toList();
    }

    boolean isOurs(URI uri) {
        if (!(uri instanceof SipURI sip)) {
            return false;
        }
        int port = sip.getPort() > 0 ? sip.getPort() : ("sips".equalsIgnoreCase(sip.getScheme()) ? 5061 : 5060);
        String host = normalizeHost(sip.getHost());
        for (HostPort a : addresses) {
            if (a.port == port && (a.host.equals(host) || ("localhost".equals(host) && isLoopback(a.host)))) {
                return true;
            }
        }
        return false;
    }

    /** As {@link #isOurs(URI)}, for a URI already parsed by the config room's {@link io.callhook.config.SipUri}. */
    boolean isOurs(io.callhook.config.SipUri uri) {
        int port = uri.port() > 0 ? uri.port() : ("sips".equals(uri.scheme()) ? 5061 : 5060);
        String host = normalizeHost(uri.host());
        for (HostPort a : addresses) {
            if (a.port == port && (a.host.equals(host) || ("localhost".equals(host) && isLoopback(a.host)))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isLoopback(String host) {
        return host.startsWith("127.") || host.equals("::1");
    }

    private static String normalizeHost(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h.equals("0:0:0:0:0:0:0:1") ? "::1" : h;
    }
}
