package dev.whetstone.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

/**
 * Which addresses the service may fetch from on a user's behalf: only public unicast ones, so a URL cannot turn the
 * service against itself, its network or the cloud metadata endpoint. IPv6 forms that carry an IPv4 address
 * (mapped, compatible, translated, NAT64, 6to4, Teredo) are judged by the IPv4 address they lead to.
 */
public final class OutboundAddressPolicy {
    private record Range(byte[] prefix, int bits, String what) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) return false;
            for (int i = 0; i < bits; i++) {
                int mask = 0x80 >>> (i & 7);
                if ((address[i >> 3] & mask) != (prefix[i >> 3] & mask)) return false;
            }
            return true;
        }
    }

    private static final List<Range> V4 = List.of(
            v4("0.0.0.0", 8, "'this network' (0.0.0.0/8)"),
            v4("10.0.0.0", 8, "private (10.0.0.0/8)"),
            v4("100.64.0.0", 10, "shared carrier-grade NAT (100.64.0.0/10)"),
            v4("127.0.0.0", 8, "loopback (127.0.0.0/8)"),
            v4("169.254.0.0", 16, "link-local (169.254.0.0/16)"),
            v4("172.16.0.0", 12, "private (172.16.0.0/12)"),
            v4("192.0.0.0", 24, "IETF protocol assignments (192.0.0.0/24)"),
            v4("192.0.2.0", 24, "documentation (192.0.2.0/24)"),
            v4("192.88.99.0", 24, "6to4 relay anycast (192.88.99.0/24)"),
            v4("192.168.0.0", 16, "private (192.168.0.0/16)"),
            v4("198.18.0.0", 15, "benchmarking (198.18.0.0/15)"),
            v4("198.51.100.0", 24, "documentation (198.51.100.0/24)"),
            v4("203.0.113.0", 24, "documentation (203.0.113.0/24)"),
            v4("224.0.0.0", 4, "multicast (224.0.0.0/4)"),
            v4("240.0.0.0", 4, "reserved or broadcast (240.0.0.0/4)"));

    private static final List<Range> V6 = List.of(
            v6("::", 128, "unspecified (::)"),
            v6("::1", 128, "loopback (::1)"),
            v6("100::", 64, "discard-only (100::/64)"),
            v6("64:ff9b:1::", 48, "local-use NAT64 (64:ff9b:1::/48)"),
            v6("2001:2::", 48, "benchmarking (2001:2::/48)"),
            v6("2001:10::", 28, "ORCHID (2001:10::/28)"),
            v6("2001:20::", 28, "ORCHIDv2 (2001:20::/28)"),
            v6("2001:db8::", 32, "documentation (2001:db8::/32)"),
            v6("3fff::", 20, "documentation (3fff::/20)"),
            v6("fc00::", 7, "unique local (fc00::/7)"),
            v6("fe80::", 10, "link-local (fe80::/10)"),
            v6("fec0::", 10, "site-local (fec0::/10)"),
            v6("ff00::", 8, "multicast (ff00::/8)"));

    /** IPv6 prefixes whose address holds an IPv4 address in bytes 12–15. */
    private static final List<Range> EMBEDDING_V4_AT_END = List.of(
            v6("::ffff:0:0", 96, "IPv4-mapped"),
            v6("::", 96, "IPv4-compatible"),
            v6("::ffff:0:0:0", 96, "IPv4-translated"),
            v6("64:ff9b::", 96, "NAT64"));
    private static final Range SIX_TO_FOUR = v6("2002::", 16, "6to4");
    private static final Range TEREDO = v6("2001::", 32, "Teredo");

    private OutboundAddressPolicy() {}

    /** Why {@code address} may not be fetched from (e.g. "loopback (127.0.0.0/8)"), or empty for a public address. */
    public static Optional<String> refusal(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) return v4Refusal(b);
        for (Range r : V6) if (r.contains(b)) return Optional.of(r.what());
        for (Range r : EMBEDDING_V4_AT_END) {
            if (r.contains(b)) return embedded(r.what(), slice(b, 12, false));
        }
        if (SIX_TO_FOUR.contains(b)) return embedded(SIX_TO_FOUR.what(), slice(b, 2, false));
        if (TEREDO.contains(b)) {
            // The server's address is in bytes 4–7; the client's, inverted, in 12–15: either may be the way in.
            Optional<String> server = embedded("Teredo server", slice(b, 4, false));
            return server.isPresent() ? server : embedded("Teredo client", slice(b, 12, true));
        }
        return Optional.empty();
    }

    private static Optional<String> v4Refusal(byte[] b) {
        for (Range r : V4) if (r.contains(b)) return Optional.of(r.what());
        return Optional.empty();
    }

    private static Optional<String> embedded(String form, byte[] v4) {
        return v4Refusal(v4).map(why -> form + " form of a " + why + " IPv4 address");
    }

    private static byte[] slice(byte[] b, int from, boolean inverted) {
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) out[i] = (byte) (inverted ? ~b[from + i] : b[from + i]);
        return out;
    }

    private static Range v4(String address, int bits, String what) {
        return new Range(literal(address), bits, what);
    }

    private static Range v6(String address, int bits, String what) {
        byte[] b = literal(address);
        if (b.length == 4) { // the JDK turns ::ffff:a.b.c.d literals into IPv4; keep the IPv6 bytes
            byte[] v6 = new byte[16];
            v6[10] = v6[11] = (byte) 0xff;
            System.arraycopy(b, 0, v6, 12, 4);
            b = v6;
        }
        return new Range(b, bits, what);
    }

    private static byte[] literal(String address) {
        try {
            return InetAddress.getByName(address).getAddress(); // a literal: no name lookup
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }
}
