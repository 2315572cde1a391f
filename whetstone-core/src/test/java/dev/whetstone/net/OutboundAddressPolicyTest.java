package dev.whetstone.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every non-public range is refused, in its IPv4 form and in each IPv6 form that carries an IPv4 address. */
class OutboundAddressPolicyTest {

    @ParameterizedTest(name = "{0} is refused as {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0.0.0.0           | 'this network'
            0.1.2.3           | 'this network'
            10.1.2.3          | private (10.0.0.0/8)
            100.64.0.1        | carrier-grade NAT
            100.127.255.254   | carrier-grade NAT
            127.0.0.1         | loopback
            127.255.0.9       | loopback
            169.254.169.254   | link-local
            172.16.0.1        | private (172.16.0.0/12)
            172.31.255.255    | private (172.16.0.0/12)
            192.0.0.8         | IETF protocol assignments
            192.0.2.10        | documentation
            192.88.99.1       | 6to4 relay
            192.168.1.1       | private (192.168.0.0/16)
            198.18.0.1        | benchmarking
            198.19.255.1      | benchmarking
            198.51.100.7      | documentation
            203.0.113.9       | documentation
            224.0.0.251       | multicast
            239.255.255.250   | multicast
            240.0.0.1         | reserved
            255.255.255.255   | broadcast
            ::                | unspecified
            ::1               | loopback (::1)
            100::1            | discard-only
            fc00::1           | unique local
            fd12:3456::1      | unique local
            fe80::1           | link-local (fe80::/10)
            febf::1           | link-local (fe80::/10)
            fec0::1           | site-local
            ff02::1           | multicast
            2001:db8::1       | documentation
            3fff::1           | documentation
            2001:2::1         | benchmarking
            2001:10::1        | ORCHID
            64:ff9b:1::a00:1  | local-use NAT64
            ::ffff:127.0.0.1  | IPv4-mapped form of a loopback
            ::ffff:10.0.0.1   | IPv4-mapped form of a private
            ::ffff:169.254.169.254 | IPv4-mapped form of a link-local
            ::127.0.0.1       | IPv4-compatible form of a loopback
            ::ffff:0:192.168.0.1 | IPv4-translated form of a private
            64:ff9b::127.0.0.1 | NAT64 form of a loopback
            64:ff9b::a9fe:a9fe | NAT64 form of a link-local
            64:ff9b::100.64.1.1 | NAT64 form of a shared carrier-grade NAT
            2002:7f00:1::1    | 6to4 form of a loopback
            2002:c0a8:101::   | 6to4 form of a private (192.168.0.0/16)
            2002:a9fe:a9fe::1 | 6to4 form of a link-local
            2001:0:7f00:1::   | Teredo server form of a loopback
            2001:0:4136:e378:8000:63bf:f5ff:fffe | Teredo client form of a private (10.0.0.0/8)
            """)
    void refused(String address, String why) throws Exception {
        assertThat(OutboundAddressPolicy.refusal(v6Kept(address))).as(address).hasValueSatisfying(
                reason -> assertThat(reason).contains(why));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "1.1.1.1", "93.184.215.14", "100.63.255.255", "100.128.0.1", "172.15.255.255",
            "172.32.0.1", "192.167.255.255", "198.17.255.255", "198.20.0.1", "223.255.255.254",
            "2606:4700:4700::1111", "2a00:1450:4001:80b::200e", "::ffff:8.8.8.8", "64:ff9b::808:808",
            "2002:808:808::1", "2001:0:808:808:8000:63bf:f7f7:f7f7"})
    void publicAddressesPass(String address) throws Exception {
        assertThat(OutboundAddressPolicy.refusal(v6Kept(address))).as(address).isEmpty();
    }

    /** The address as a resolver could hand it over: IPv4-mapped literals stay IPv6 (the JDK would unwrap them). */
    static InetAddress v6Kept(String literal) throws Exception {
        InetAddress parsed = InetAddress.getByName(literal);
        if (literal.contains(":") && parsed.getAddress().length == 4) {
            byte[] mapped = new byte[16];
            mapped[10] = mapped[11] = (byte) 0xff;
            System.arraycopy(parsed.getAddress(), 0, mapped, 12, 4);
            return Inet6Address.getByAddress(null, mapped, -1);
        }
        return parsed;
    }
}
