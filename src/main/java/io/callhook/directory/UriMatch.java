package io.callhook.directory;

import io.callhook.config.SipUri;

import java.util.Map;
import java.util.Optional;

/**
 * How a URI seen on the wire finds a device: scheme, user and host must match (host ignoring case,
 * as {@link SipUri} lower-cases it), URI parameters never matter, and the port matters only when the
 * directory's URI gives one: {@code sip:127.0.0.1:5070;transport=udp} finds the contact
 * {@code sip:127.0.0.1:5070}, {@code sip:Alice@EXAMPLE.com:5062} finds the AOR {@code sip:Alice@example.com}.
 */
final class UriMatch {

    private UriMatch() {}

    /** The map key for a directory URI. */
    static SipUri key(SipUri uri) {
        return uri;
    }

    static <V> Optional<V> find(Map<SipUri, V> byKey, String wireUri) {
        Optional<SipUri> parsed = SipUri.parse(wireUri);
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        SipUri uri = parsed.get();
        V exact = byKey.get(uri);
        if (exact != null || uri.port() < 0) {
            return Optional.ofNullable(exact);
        }
        return Optional.ofNullable(byKey.get(new SipUri(uri.scheme(), uri.user(), uri.host(), -1)));
    }
}
