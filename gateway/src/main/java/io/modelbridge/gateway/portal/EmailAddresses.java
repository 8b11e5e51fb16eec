package io.modelbridge.gateway.portal;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The portal's one parser of email addresses: what a form may name and what the mailer may send to. Only the
 * plain {@code local@domain} form (RFC 5322 dot-atom, DNS labels) is accepted, so an address can never be read
 * as two recipients ({@code a,b@x}), a comment ({@code x(y)@x}), a display name or a route.
 */
final class EmailAddresses {
    static final int MAX_LENGTH = 254;
    private static final String ATOM = "[a-z0-9!#$%&'*+/=?^_`{|}~-]+";
    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern ADDRESS = Pattern.compile(
            "(?=[^@]{1,64}@)" + ATOM + "(?:\\." + ATOM + ")*@" + LABEL + "(?:\\." + LABEL + ")+");

    private EmailAddresses() {}

    /** The address in its stored form (stripped, lower case), or empty when it is not one plain address. */
    static Optional<String> normalized(String typed) {
        String email = typed.strip().toLowerCase(Locale.ROOT);
        return email.length() <= MAX_LENGTH && ADDRESS.matcher(email).matches() ? Optional.of(email)
                : Optional.empty();
    }

    /** True for an address exactly in its stored form. */
    static boolean isNormalized(String email) {
        return normalized(email).filter(email::equals).isPresent();
    }
}
