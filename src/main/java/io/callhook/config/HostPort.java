package io.callhook.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** {@code HOST:PORT}, with an IPv6 host in brackets ({@code [::1]:5060}); {@code host} is kept without them. */
record HostPort(String host, int port) {

    private static final Pattern HOSTNAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9_.-]*[A-Za-z0-9])?");
    private static final Pattern IPV4 = Pattern.compile("\\d+\\.\\d+\\.\\d+\\.\\d+");

    /** @throws IllegalArgumentException naming the rule and the value */
    static HostPort parse(String text) {
        return parse(text, "HOST:PORT", text);
    }

    /**
     * @param usage how the whole value is written, for the error message ({@code udp:HOST:PORT})
     * @param whole the whole value {@code text} came from
     */
    static HostPort parse(String text, String usage, String whole) {
        String host;
        String port;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("use " + usage.replace("HOST", "[IPv6]") + ": " + whole);
            }
            host = text.substring(1, close);
            port = text.substring(close + 2);
            if (!isIpv6(host)) {
                throw new IllegalArgumentException("not an IPv6 address: " + host);
            }
        } else {
            int colon = text.lastIndexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("use " + usage + ": " + whole);
            }
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
            if (host.contains(":")) {
                throw new IllegalArgumentException("an IPv6 address needs brackets, like [::1]:5060: " + whole);
            }
            if (!HOSTNAME.matcher(host).matches() || (IPV4.matcher(host).matches() && !isIpv4(host))) {
                throw new IllegalArgumentException("not a host name or IP address: " + host);
            }
        }
        return new HostPort(host, port(port));
    }

    private static int port(String text) {
        if (!text.matches("\\d{1,5}") || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("port must be 0..65535: " + text);
        }
        return Integer.parseInt(text);
    }

    static boolean isIpv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return false;
        }
        for (String octet : text.split("\\.")) {
            if (octet.length() > 3 || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }

    /** Checks an IPv6 literal without any name lookup (the brackets force literal parsing). */
    static boolean isIpv6(String text) {
        if (!text.matches("[0-9A-Fa-f:.]+") || !text.contains(":")) {
            return false;
        }
        try {
            InetAddress.getByName("[" + text + "]");
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
