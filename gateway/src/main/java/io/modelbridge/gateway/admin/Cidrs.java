package io.modelbridge.gateway.admin;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.regex.Pattern;

/** Checks CIDR blocks ("10.0.0.0/8", "2001:db8::/32", or a single address) without any DNS lookup. */
final class Cidrs {
    private static final Pattern LITERAL = Pattern.compile("[0-9A-Fa-f.:]+");

    private Cidrs() {}

    static List<String> check(List<String> cidrs, String param) {
        for (String cidr : cidrs) {
            if (!valid(cidr)) {
                throw Checks.invalid("'" + param + "' has '" + cidr
                        + "', which is not an IP address or CIDR block such as 10.0.0.0/8.", param);
            }
        }
        return cidrs;
    }

    private static boolean valid(String cidr) {
        int slash = cidr.indexOf('/');
        String address = slash < 0 ? cidr : cidr.substring(0, slash);
        if (!LITERAL.matcher(address).matches() || !(address.contains(".") || address.contains(":"))) {
            return false; // only literals: getByName would resolve a host name
        }
        try {
            int bits = InetAddress.getByName(address).getAddress().length * 8;
            return slash < 0 || prefixFits(cidr.substring(slash + 1), bits);
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean prefixFits(String prefix, int bits) {
        return prefix.matches("\\d{1,3}") && Integer.parseInt(prefix) <= bits;
    }
}
