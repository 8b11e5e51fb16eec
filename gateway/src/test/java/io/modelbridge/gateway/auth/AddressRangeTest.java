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
}
