package io.modelbridge.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRangeTest {

    private static boolean in(String cidr, String address) throws Exception {
        return AddressRange.parse(cidr).contains(InetAddress.getByName(address));
    }

    @Test
    void ipv4BlocksMatchOnTheirPrefixBits() throws Exception {
        assertTrue(in("10.0.0.0/8", "10.255.1.2"));
        assertFalse(in("10.0.0.0/8", "11.0.0.1"));
        assertTrue(in("192.168.4.0/22", "192.168.7.255"));
        assertFalse(in("192.168.4.0/22", "192.168.8.0"));
        assertTrue(in("203.0.113.7", "203.0.113.7"));
        assertFalse(in("203.0.113.7", "203.0.113.8"));
        assertTrue(in("0.0.0.0/0", "8.8.8.8"));
    }

    @Test
    void ipv6BlocksAndIpv4MappedClients() throws Exception {
        assertTrue(in("2001:db8::/32", "2001:db8:1::5"));
        assertFalse(in("2001:db8::/32", "2001:db9::1"));
        assertFalse(in("10.0.0.0/8", "2001:db8::1"));
        assertTrue(in("127.0.0.0/8", "::ffff:127.0.0.1"), "an IPv4 client seen on an IPv6 socket");
    }

    @Test
    void ipv6PrefixesUpTo128() throws Exception {
        assertTrue(in("::1/128", "::1"));
        assertTrue(in("::/0", "2001:db8::1"));
        assertEquals(128, AddressRange.parse("2001:db8::1").prefixBits());
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse("2001:db8::/129"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/+8", "10.0.0.0/-0",
            "10.0.0.0/8/8", "10.0.0.0/0008", "10.0.0.0/x", "10.0.0.0 /8", "", "/8", "2001:db8::/+32", "2001:zz8::/32",
            "1.2.3.4.5", ":::"})
    void rejectsHostNamesAndBadPrefixes(String cidr) {
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(cidr));
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.2.3.ab", "ab.cd.ef.01", "beef.cafe.dead.face", "1.2.3", "1.2.3.4.5/8", "0x7f.0.0.1",
            "1.2.3.256", "dead.beef/16", "face:b00c", "1:2:3:4:5:6:7:8:9", "1::2::3", "::ffff:1.2.3.ab", "fe80::1%eth0"})
    void anAllHexDottedNameIsRefusedWithoutADnsLookup(String text) throws Exception {
        InetAddress.getByName("127.0.0.1"); // the resolver is loaded on first use
        assertThrows(IllegalArgumentException.class, () -> AddressRange.parse(text));
        String address = text.contains("/") ? text.substring(0, text.indexOf('/')) : text;
        assertFalse(LookupRecorder.LOOKED_UP.contains(address), "looked up in DNS: " + address);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::", "::1", "1::", "2001:db8::8a2e:370:7334", "2001:DB8:0:0:8:800:200C:417A",
            "::ffff:10.1.2.3", "64:ff9b::192.0.2.33", "fe80::", "1:2:3:4:5:6:7::", "0.0.0.0", "255.255.255.255"})
    void literalsParseToTheAddressTheJdkReads(String literal) throws Exception {
        byte[] expected = InetAddress.getByName(literal).getAddress();
        byte[] parsed = AddressRange.parse(literal).network();
        if (expected.length == 4 && parsed.length == 16) { // the JDK reads ::ffff:a.b.c.d as IPv4
            parsed = java.util.Arrays.copyOfRange(parsed, 12, 16);
        }
        assertEquals(java.util.HexFormat.of().formatHex(expected), java.util.HexFormat.of().formatHex(parsed));
    }
}
