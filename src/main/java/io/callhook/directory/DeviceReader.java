package io.callhook.directory;

import io.callhook.call.DeviceType;
import io.callhook.config.SipUri;
import io.callhook.config.YamlNode;

import java.util.Locale;
import java.util.Optional;

/**
 * Reads one entry of a user's {@code devices}. A device that authenticates needs {@code auth_user}
 * and {@code ha1}; its {@code realm} defaults to the host of its AOR.
 */
final class DeviceReader {

    private DeviceReader() {}

    /** Empty when the type or AOR is unusable (the problem is already reported). */
    static Optional<Device> read(YamlNode device, Claims claims, String userId) {
        device.allowKeys("type", "aor", "contact", "auth_user", "realm", "ha1");
        YamlNode typeNode = device.get("type");
        Optional<DeviceType> type = typeNode.require() ? typeNode.oneOf(DeviceType.class, "device type") : Optional.empty();
        YamlNode aorNode = device.get("aor");
        Optional<String> aor = aorNode.requiredText().map(String::strip).filter(text -> {
            boolean ok = SipUri.parse(text).filter(u -> u.user() != null).isPresent();
            if (!ok) {
                aorNode.problem("must be a sip: URI with a user, like sip:alice@example.com: " + text);
            }
            return ok;
        });
        YamlNode contactNode = device.get("contact");
        String contact = contactNode.text().map(String::strip).filter(text -> {
            boolean ok = SipUri.parse(text).isPresent();
            if (!ok) {
                contactNode.problem("must be a sip: URI like sip:192.0.2.10:5060: " + text);
            }
            return ok;
        }).orElse(null);
        aor.ifPresent(a -> claimUri(claims, aorNode, a, device.path(), userId));
        if (contact != null) {
            claimUri(claims, contactNode, contact, device.path(), userId);
        }

        String authUser = device.get("auth_user").text().map(String::strip).orElse(null);
        YamlNode ha1Node = device.get("ha1");
        String ha1 = ha1Node.text().map(String::strip).orElse(null);
        String realm = device.get("realm").text().map(String::strip).orElse(null);
        if (ha1 != null && !ha1.matches("[0-9a-fA-F]{32}|[0-9a-fA-F]{64}")) {
            ha1Node.problem("must be 32 or 64 hex digits, MD5 or SHA-256 of user:realm:password (value not shown)");
        }
        if (ha1 != null && authUser == null) {
            device.get("auth_user").problem("required when ha1 is given");
        }
        if (authUser != null && ha1 == null) {
            ha1Node.problem("required when auth_user is given");
        }
        if (realm != null && authUser == null) {
            device.get("auth_user").problem("required when realm is given");
        }
        if (authUser != null && realm == null) {
            realm = aor.flatMap(SipUri::parse).map(SipUri::host).orElse(null);
        }
        if (authUser != null && realm != null) {
            String r = realm;
            YamlNode userNode = device.get("auth_user");
            claims.claim(new StaticDirectory.AuthKey(realm, authUser), device.path(), "a device of " + userId,
                    userNode.line()).ifPresent(earlier -> userNode.problem("duplicate auth_user " + authUser
                    + " in realm " + r + ": already used by " + earlier.description() + " (line " + earlier.line() + ")"));
        }
        if (type.isEmpty() || aor.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Device(type.get(), aor.get(), contact, authUser, realm,
                ha1 == null ? null : ha1.toLowerCase(Locale.ROOT)));
    }

    private static void claimUri(Claims claims, YamlNode node, String text, String devicePath, String userId) {
        SipUri key = UriMatch.key(SipUri.parse(text).orElseThrow());
        claims.claim(key, devicePath, "a device of " + userId, node.line()).ifPresent(earlier ->
                node.problem("duplicate device URI " + key + ": already used by " + earlier.description()
                        + " (line " + earlier.line() + ")"));
    }
}
