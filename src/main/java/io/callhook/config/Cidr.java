package io.callhook.config;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IP network such as {@code 10.0.0.0/8} or {@code 2001:db8::/32}; a bare address is a /32 or /128. */
public record Cidr(InetAddress network, int prefixLength) {

    /** @throws IllegalArgumentException {@code not a CIDR like 10.0.0.0/8: …} or {@code prefix must be 0..32: 40} */
    public static Cidr parse(String text) {
        String t = text.strip();
        int slash = t.indexOf('/');
        String address = slash < 0 ? t : t.substring(0, slash);
        InetAddress network = literal(address, text);
        int bits = network.getAddress().length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = t.substring(slash + 1);
            if (!p.matches("\\d{1,3}") || Integer.parseInt(p) > bits) {
                throw new IllegalArgumentException("prefix must be 0.." + bits + ": " + p);
            }
            prefix = Integer.parseInt(p);
        }
        return new Cidr(network, prefix);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((a[bit / 8] & mask) != (n[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress literal(String address, String text) {
        try {
            if (HostPort.isIpv4(address)) {
                String[] o = address.split("\\.");
                return InetAddress.getByAddress(new byte[] {(byte) Integer.parseInt(o[0]),
                        (byte) Integer.parseInt(o[1]), (byte) Integer.parseInt(o[2]), (byte) Integer.parseInt(o[3])});
            }
            if (HostPort.isIpv6(address)) {
                return InetAddress.getByName("[" + address + "]");
            }
        } catch (UnknownHostException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("not a CIDR like 10.0.0.0/8: " + text);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
