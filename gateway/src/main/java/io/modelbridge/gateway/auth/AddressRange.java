package io.modelbridge.gateway.auth;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A CIDR block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or a single address, matched without DNS. An IPv4
 * block also matches the same addresses written as IPv4-mapped IPv6 ({@code ::ffff:10.1.2.3}).
 */
public record AddressRange(byte[] network, int prefixBits) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
    private static final Pattern HEX_GROUP = Pattern.compile("[0-9A-Fa-f]{1,4}");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    /**
     * The one parser of CIDR blocks: API keys' allowed addresses are checked with it by the admin API and matched
     * with it here. Only literals are read (dotted-quad IPv4, IPv6 with an optional trailing IPv4); anything else,
     * host names included, is refused without a DNS lookup.
     *
     * @throws IllegalArgumentException when the text is not an address literal or CIDR block
     */
    public static AddressRange parse(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] bytes = address.contains(":") ? ipv6(address) : ipv4(address);
        if (bytes == null) {
            throw notARange(cidr);
        }
        String prefix = slash < 0 ? null : cidr.substring(slash + 1);
        if (prefix != null && !PREFIX.matcher(prefix).matches()) {
            throw notARange(cidr);
        }
        int bits = prefix == null ? bytes.length * 8 : Integer.parseInt(prefix);
        if (bits > bytes.length * 8) {
            throw new IllegalArgumentException("prefix length out of range: " + cidr);
        }
        return new AddressRange(bytes, bits);
    }

    /** Four decimal numbers 0-255 joined by dots, else null. */
    private static byte[] ipv4(String text) {
        if (!IPV4.matcher(text).matches()) {
            return null;
        }
        String[] parts = text.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            int value = Integer.parseInt(parts[i]);
            if (value > 255) {
                return null;
            }
            bytes[i] = (byte) value;
        }
        return bytes;
    }

    /** Eight groups of 1-4 hex digits, "::" standing for one or more zero groups once, else null. */
    private static byte[] ipv6(String text) {
        byte[] tail = null;
        int lastColon = text.lastIndexOf(':');
        if (text.indexOf('.', lastColon) >= 0) { // an IPv4 address in the last 32 bits
            tail = ipv4(text.substring(lastColon + 1));
            if (tail == null) {
                return null;
            }
            text = text.substring(0, lastColon + 1) + "0:0";
        }
        int gap = text.indexOf("::");
        if (gap >= 0 && text.indexOf("::", gap + 1) >= 0) {
            return null;
        }
        List<String> head = groups(gap < 0 ? text : text.substring(0, gap));
        List<String> rest = gap < 0 ? List.of() : groups(text.substring(gap + 2));
        if (head == null || rest == null || (gap < 0 ? head.size() != 8 : head.size() + rest.size() > 7)) {
            return null;
        }
        byte[] bytes = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            put(bytes, i, head.get(i));
        }
        for (int i = 0; i < rest.size(); i++) {
            put(bytes, 8 - rest.size() + i, rest.get(i));
        }
        if (tail != null) {
            System.arraycopy(tail, 0, bytes, 12, 4);
        }
        return isIpv4Mapped(bytes) ? Arrays.copyOfRange(bytes, 12, 16) : bytes; // ::ffff:a.b.c.d is a.b.c.d
    }

    /** The groups of one side of "::" (none for an empty side), or null when one is not 1-4 hex digits. */
    private static List<String> groups(String side) {
        if (side.isEmpty()) {
            return List.of();
        }
        List<String> groups = List.of(side.split(":", -1));
        return groups.stream().allMatch(g -> HEX_GROUP.matcher(g).matches()) ? groups : null;
    }

    private static void put(byte[] bytes, int group, String hex) {
        int value = Integer.parseInt(hex, 16);
        bytes[2 * group] = (byte) (value >> 8);
        bytes[2 * group + 1] = (byte) value;
    }

    private static IllegalArgumentException notARange(String cidr) {
        return new IllegalArgumentException("not an IP address or CIDR block: " + cidr);
    }

    public boolean contains(InetAddress client) {
        byte[] candidate = client.getAddress();
        if (candidate.length == 16 && network.length == 4 && isIpv4Mapped(candidate)) {
            candidate = Arrays.copyOfRange(candidate, 12, 16);
        }
        if (candidate.length != network.length) {
            return false;
        }
        int full = prefixBits / 8;
        if (!Arrays.equals(candidate, 0, full, network, 0, full)) {
            return false;
        }
        int rest = prefixBits % 8;
        int mask = 0xFF << (8 - rest) & 0xFF;
        return rest == 0 || (candidate[full] & mask) == (network[full] & mask);
    }

    private static boolean isIpv4Mapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
    }
}
