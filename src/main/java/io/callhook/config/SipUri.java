package io.callhook.config;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The parts of a {@code sip:} / {@code sips:} URI that identify an address: scheme, user, host,
 * port. URI parameters ({@code ;transport=tcp}), headers ({@code ?…}) and a password are dropped;
 * the scheme and host are lower-cased, the user is kept (case-sensitive, %-escapes decoded).
 *
 * @param user null when the URI has no user part ({@code sip:127.0.0.1:5070})
 * @param host a name, an IPv4 address, or an IPv6 reference in brackets ({@code [::1]})
 * @param port -1 when the URI gives none
 */
public record SipUri(String scheme, String user, String host, int port) {

    private static final Pattern HOSTNAME = Pattern.compile("[a-z0-9]([a-z0-9_.-]*[a-z0-9])?\\.?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]+]");

    /** Parses {@code text} (angle brackets around it allowed); empty when it is not a SIP URI. */
    public static Optional<SipUri> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String s = text.strip();
        if (s.startsWith("<") && s.endsWith(">")) {
            s = s.substring(1, s.length() - 1);
        }
        int colon = s.indexOf(':');
        if (colon < 0) {
            return Optional.empty();
        }
        String scheme = s.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!scheme.equals("sip") && !scheme.equals("sips")) {
            return Optional.empty();
        }
        String rest = s.substring(colon + 1);
        int question = rest.indexOf('?');
        if (question >= 0) {
            rest = rest.substring(0, question);
        }
        String user = null;
        int at = rest.indexOf('@');
        if (at >= 0) {
            String userinfo = rest.substring(0, at);
            int password = userinfo.indexOf(':');
            user = unescape(password >= 0 ? userinfo.substring(0, password) : userinfo);
            if (user == null || user.isEmpty()) {
                return Optional.empty();
            }
            rest = rest.substring(at + 1);
        }
        int semicolon = rest.indexOf(';');
        String hostport = (semicolon >= 0 ? rest.substring(0, semicolon) : rest).toLowerCase(Locale.ROOT);
        String host;
        String portText = null;
        if (hostport.startsWith("[")) {
            int close = hostport.indexOf(']');
            if (close < 0) {
                return Optional.empty();
            }
            host = hostport.substring(0, close + 1);
            String after = hostport.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) return Optional.empty();
                portText = after.substring(1);
            }
            if (!IPV6.matcher(host).matches()) return Optional.empty();
        } else {
            int portColon = hostport.indexOf(':');
            host = portColon >= 0 ? hostport.substring(0, portColon) : hostport;
            portText = portColon >= 0 ? hostport.substring(portColon + 1) : null;
            if (!HOSTNAME.matcher(host).matches()) return Optional.empty();
        }
        int port = -1;
        if (portText != null) {
            if (!portText.matches("\\d{1,5}")) return Optional.empty();
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) return Optional.empty();
        }
        return Optional.of(new SipUri(scheme, user, host, port));
    }

    /** {@code %2B358…} → {@code +358…}; null when an escape is broken. */
    private static String unescape(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) return null;
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) return null;
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                out.write(b, 0, b.length);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return scheme + ":" + (user == null ? "" : user + "@") + host + (port < 0 ? "" : ":" + port);
    }
}
