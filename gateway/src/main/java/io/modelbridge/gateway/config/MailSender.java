package io.modelbridge.gateway.config;

import java.util.regex.Pattern;

/**
 * What makes a sender address that mail servers accept: a local part and a domain name with a dot
 * ({@code modelbridge@example.com}), or an address literal in brackets ({@code modelbridge@[192.0.2.1]}, RFC 5321
 * 4.1.3). A bare IP ({@code modelbridge@127.0.0.1}) or a single label ({@code modelbridge@localhost}) is refused by
 * real servers, so it is never derived and never accepted from MB_SMTP_FROM.
 */
final class MailSender {
    private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?");
    private static final Pattern LOCAL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}");
    private static final Pattern LITERAL = Pattern.compile("\\[(?:\\d{1,3}\\.){3}\\d{1,3}]|\\[IPv6:[0-9A-Fa-f:.]+]");

    private MailSender() {}

    static boolean isValid(String address) {
        int at = address.lastIndexOf('@');
        if (at <= 0 || !LOCAL.matcher(address.substring(0, at)).matches()) {
            return false;
        }
        String domain = address.substring(at + 1);
        return isDomainName(domain) || LITERAL.matcher(domain).matches();
    }

    /** Two or more labels, the last not all digits (so not an IPv4 address). */
    static boolean isDomainName(String host) {
        if (host == null || host.length() > 253) {
            return false;
        }
        String[] labels = host.split("\\.", -1);
        if (labels.length < 2 || labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
