package io.modelbridge.admin.apply;

import io.modelbridge.admin.InputException;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The values the admin API would refuse, checked for the whole file before the first change, in a dry run and a
 * real run alike: a dry run must not promise a change the apply then cannot make. The rules are the gateway's
 * (FieldValidation and the admin handlers); the references (a key's user, an alias's channels, a user limit's user)
 * must exist on the gateway or be created by the file.
 */
final class ManifestValues {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}");
    private static final BigDecimal MAX_CREDITS = new BigDecimal("99999999999999");
    private static final Set<String> ROLES = Set.of("user", "admin");
    private static final Set<String> URL_SCHEMES = Set.of("http", "https", "ws", "wss");
    /** What the console's history stores in place of a credential. */
    private static final String MASK = "***";

    private final String where;

    private ManifestValues(Path file) {
        this.where = "apply file " + file + ": ";
    }

    static void check(Manifest m, Path file) {
        new ManifestValues(file).values(m);
    }

    private void values(Manifest m) {
        for (int i = 0; i < m.users().size(); i++) {
            Manifest.User u = m.users().get(i);
            String at = "users[" + i + "]";
            name(u.name(), at + ".name");
            if (u.role() != null && !ROLES.contains(u.role())) {
                throw invalid(at + ".role", "must be one of: user, admin.");
            }
            credits(u.quota(), at + ".quota");
        }
        for (int i = 0; i < m.channels().size(); i++) {
            Manifest.Channel c = m.channels().get(i);
            String at = "channels[" + i + "]";
            name(c.name(), at + ".name");
            positive(c.weight(), at + ".weight");
            baseUrl(c.baseUrl(), at + ".base_url");
            models(c.models(), at + ".models");
            if (c.credential() != null && (c.credential().isBlank() || MASK.equals(c.credential().strip()))) {
                throw invalid(at + ".credential", "must be the vendor's credential, not empty nor the console "
                        + "history's mask '" + MASK + "'.");
            }
        }
        for (int i = 0; i < m.aliases().size(); i++) {
            Manifest.Alias a = m.aliases().get(i);
            model(a.name(), "aliases[" + i + "].name");
            for (int t = 0; t < a.targets().size(); t++) {
                String at = "aliases[" + i + "].targets[" + t + "]";
                model(a.targets().get(t).model(), at + ".model");
                positive(a.targets().get(t).weight(), at + ".weight");
            }
        }
        for (int i = 0; i < m.limits().size(); i++) {
            Manifest.Limit l = m.limits().get(i);
            positive(l.rpm(), "limits[" + i + "].rpm");
            positive(l.tpm(), "limits[" + i + "].tpm");
            if ("model".equals(l.scope())) {
                model(l.name(), "limits[" + i + "].name");
            }
        }
        for (int i = 0; i < m.prices().size(); i++) {
            Manifest.Price p = m.prices().get(i);
            model(p.model(), "prices[" + i + "].model");
            credits(p.input(), "prices[" + i + "].input");
            credits(p.output(), "prices[" + i + "].output");
        }
        for (int i = 0; i < m.keys().size(); i++) {
            Manifest.Key k = m.keys().get(i);
            positive(k.rpm(), "keys[" + i + "].rpm");
            positive(k.tpm(), "keys[" + i + "].tpm");
            models(k.models(), "keys[" + i + "].models");
        }
        if (m.portal() != null) {
            credits(m.portal().freeQuota(), "portal.free_quota");
            positive(m.portal().rpm(), "portal.rpm");
            positive(m.portal().tpm(), "portal.tpm");
            models(m.portal().models(), "portal.models");
        }
    }

    /** Objects the file refers to must be on the gateway now or be created by the file before they are used. */
    static void references(Manifest m, Current now, Path file) {
        ManifestValues checks = new ManifestValues(file);
        Set<String> users = new HashSet<>(now.users().keySet());
        m.users().forEach(u -> users.add(u.name()));
        Set<String> channels = new HashSet<>(now.channels().keySet());
        m.channels().forEach(c -> channels.add(c.name()));
        for (int i = 0; i < m.aliases().size(); i++) {
            List<Manifest.Target> targets = m.aliases().get(i).targets();
            for (int t = 0; t < targets.size(); t++) {
                checks.exists(channels, targets.get(t).channel(), "channel",
                        "aliases[" + i + "].targets[" + t + "].channel");
            }
        }
        for (int i = 0; i < m.limits().size(); i++) {
            if ("user".equals(m.limits().get(i).scope())) {
                checks.exists(users, m.limits().get(i).name(), "user", "limits[" + i + "].name");
            }
        }
        for (int i = 0; i < m.keys().size(); i++) {
            checks.exists(users, m.keys().get(i).user(), "user", "keys[" + i + "].user");
        }
    }

    private void exists(Set<String> names, String name, String kind, String field) {
        if (!names.contains(name)) {
            throw new InputException(where + "'" + field + "': no " + kind + " named '" + name
                    + "' on the gateway or in the file.");
        }
    }

    private void name(String value, String field) {
        if (!NAME.matcher(value).matches() || value.contains("/")) {
            throw invalid(field, "must be 1-128 characters: letters, digits and . _ : @ -, starting with a letter "
                    + "or digit.");
        }
    }

    private void model(String value, String field) {
        if (value != null && !NAME.matcher(value).matches()) {
            throw invalid(field, "must be 1-128 characters: letters, digits and . _ : @ / -.");
        }
    }

    private void models(List<String> values, String field) {
        if (values != null) {
            for (int i = 0; i < values.size(); i++) {
                model(values.get(i), field + "[" + i + "]");
            }
        }
    }

    private void credits(BigDecimal value, String field) {
        if (value != null && (value.signum() < 0 || value.compareTo(MAX_CREDITS) > 0
                || value.stripTrailingZeros().scale() > 6)) {
            throw invalid(field, "must be between 0 and " + MAX_CREDITS + " with at most 6 decimals.");
        }
    }

    private void positive(Integer value, String field) {
        if (value != null && value <= 0) {
            throw invalid(field, "must be greater than 0.");
        }
    }

    private void baseUrl(String url, String field) {
        if (url == null || url.isEmpty()) {
            return;
        }
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() != null && URL_SCHEMES.contains(uri.getScheme()) && uri.getHost() != null
                    && uri.getRawUserInfo() == null) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw invalid(field, "must be an http(s) or ws(s) URL without user info, or \"\" for the vendor's own.");
    }

    private InputException invalid(String field, String rule) {
        return new InputException(where + "'" + field + "' " + rule);
    }
}
