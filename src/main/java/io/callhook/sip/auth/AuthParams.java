package io.callhook.sip.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The value of an authentication header ({@code WWW-Authenticate}, {@code Authorization} and their
 * {@code Proxy-} forms): a scheme and a comma-separated list of {@code name=token} or
 * {@code name="quoted string"} parameters (RFC 3261 §25.1, RFC 7235 §2.1).
 *
 * @param scheme the scheme as written ({@code Digest})
 * @param params parameter names lower-cased, values unquoted and unescaped, in order
 */
public record AuthParams(String scheme, Map<String, String> params) {

    public AuthParams {
        params = Map.copyOf(params);
    }

    public String get(String name) {
        return params.get(name.toLowerCase(Locale.ROOT));
    }

    /** Parses a header value; empty when it is not {@code scheme param=value, …} (a repeated name too). */
    public static Optional<AuthParams> parse(String value) {
        if (value == null) {
            return Optional.empty();
        }
        String s = value.strip();
        int i = 0;
        while (i < s.length() && isTokenChar(s.charAt(i))) {
            i++;
        }
        if (i == 0 || (i < s.length() && !Character.isWhitespace(s.charAt(i)))) {
            return Optional.empty();
        }
        String scheme = s.substring(0, i);
        Map<String, String> params = new LinkedHashMap<>();
        int n = s.length();
        boolean first = true;
        while (true) {
            i = skipSpace(s, i);
            if (i >= n) {
                break;
            }
            if (!first) {
                if (s.charAt(i) != ',') {
                    return Optional.empty();
                }
                i = skipSpace(s, i + 1);
                if (i >= n) {
                    return Optional.empty();
                }
            }
            first = false;
            int nameStart = i;
            while (i < n && isTokenChar(s.charAt(i))) {
                i++;
            }
            if (i == nameStart) {
                return Optional.empty();
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            i = skipSpace(s, i);
            if (i >= n || s.charAt(i) != '=') {
                return Optional.empty();
            }
            i = skipSpace(s, i + 1);
            if (i >= n) {
                return Optional.empty();
            }
            String val;
            if (s.charAt(i) == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                boolean closed = false;
                while (i < n) {
                    char c = s.charAt(i++);
                    if (c == '\\' && i < n) {
                        b.append(s.charAt(i++));
                    } else if (c == '"') {
                        closed = true;
                        break;
                    } else {
                        b.append(c);
                    }
                }
                if (!closed) {
                    return Optional.empty();
                }
                val = b.toString();
            } else {
                int valueStart = i;
                while (i < n && isTokenChar(s.charAt(i))) {
                    i++;
                }
                if (i == valueStart) {
                    return Optional.empty();
                }
                val = s.substring(valueStart, i);
            }
            if (params.putIfAbsent(name, val) != null) {
                return Optional.empty();
            }
        }
        return Optional.of(new AuthParams(scheme, params));
    }

    /** {@code "text"} with {@code "} and {@code \} escaped. */
    static String quote(String text) {
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }

    private static int skipSpace(String s, int i) {
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        return i;
    }

    /** RFC 3261 token characters, plus {@code /} and {@code :} seen unquoted in the wild (uri, nonce). */
    private static boolean isTokenChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "-.!%*_+`'~/:@".indexOf(c) >= 0;
    }
}
