package io.modelbridge.gateway.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * A CIDR block ({@code 10.0.0.0/8}, {@code 2001:db8::/32}) or a single address, matched without DNS. An IPv4
 * block also matches the same addresses written as IPv4-mapped IPv6 ({@code ::ffff:10.1.2.3}).
 */
public record AddressRange(byte[] network, int prefixBits) {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f.:]+");
    private static final Pattern PREFIX = Pattern.compile("\\d{1,3}");

    /**
     * The one parser of CIDR blocks: API keys' allowed addresses are checked with it by the admin API and matched
     * with it here. Host names are refused before {@code getByName}, which would look them up.
     *
     * @throws IllegalArgumentException when the text is not an address literal or CIDR block
     */
    public static AddressRange parse(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!LITERAL.matcher(address).matches() || !(address.contains(".") || address.contains(":"))) {
            throw notARange(cidr);
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
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
