package io.modelbridge.gateway.admin;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Email domains ("example.com"): lower-cased, each label letters, digits and inner dashes, at least two labels. */
final class Domains {
    private static final Pattern DOMAIN =
            Pattern.compile("(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

    private Domains() {}

    /** The domains in lower case without repeats, in the order given; a value that is no domain is a 400. */
    static List<String> check(List<String> domains, String param) {
        Set<String> checked = new LinkedHashSet<>();
        for (String domain : domains) {
            String lower = domain.strip().toLowerCase(Locale.ROOT);
            if (!DOMAIN.matcher(lower).matches()) {
                throw FieldValidation.invalid("'" + param + "' has '" + domain
                        + "', which is not a domain such as example.com (no '@', letters, digits, dots and dashes).",
                        param);
            }
            checked.add(lower);
        }
        return List.copyOf(checked);
    }
}
