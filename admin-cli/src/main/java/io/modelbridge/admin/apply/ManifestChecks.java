package io.modelbridge.admin.apply;

import io.modelbridge.admin.InputException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/** What the file must say for apply to know what it means; each failure names the field. */
final class ManifestChecks {
    private static final Set<String> SCOPES = Set.of("global", "user", "key", "model");
    private static final Set<String> REGISTRATIONS = Set.of("open", "closed", "invite");
    /** What the console's history stores in place of a credential. */
    private static final String MASK = "***";

    private ManifestChecks() {}

    static void check(Manifest m, Path file) {
        String where = "apply file " + file + ": ";
        for (int i = 0; i < m.users().size(); i++) {
            require(m.users().get(i).name(), "users[" + i + "].name", where);
        }
        for (int i = 0; i < m.channels().size(); i++) {
            require(m.channels().get(i).name(), "channels[" + i + "].name", where);
            require(m.channels().get(i).provider(), "channels[" + i + "].provider", where);
            String credential = m.channels().get(i).credential();
            if (credential != null && (credential.isBlank() || MASK.equals(credential.strip()))) {
                throw new InputException(where + "'channels[" + i + "].credential' must be the vendor's credential, "
                        + "not empty nor the console history's mask '" + MASK + "'.");
            }
        }
        for (int i = 0; i < m.aliases().size(); i++) {
            Manifest.Alias a = m.aliases().get(i);
            require(a.name(), "aliases[" + i + "].name", where);
            if (a.targets() == null) {
                throw new InputException(where + "'aliases[" + i + "].targets' is required.");
            }
            for (int t = 0; t < a.targets().size(); t++) {
                require(a.targets().get(t).channel(), "aliases[" + i + "].targets[" + t + "].channel", where);
            }
        }
        for (int i = 0; i < m.limits().size(); i++) {
            limit(m.limits().get(i), "limits[" + i + "]", where);
        }
        for (int i = 0; i < m.prices().size(); i++) {
            Manifest.Price p = m.prices().get(i);
            require(p.model(), "prices[" + i + "].model", where);
            require(p.input(), "prices[" + i + "].input", where);
            require(p.output(), "prices[" + i + "].output", where);
        }
        for (int i = 0; i < m.keys().size(); i++) {
            require(m.keys().get(i).user(), "keys[" + i + "].user", where);
            if (m.keys().get(i).label() == null) {
                throw new InputException(where + "'keys[" + i + "].label' is required: apply finds the key again "
                        + "by its user and label.");
            }
        }
        if (m.portal() != null && m.portal().registration() != null
                && !REGISTRATIONS.contains(m.portal().registration())) {
            throw new InputException(where + "'portal.registration' must be one of open, closed, invite.");
        }
        unique(m.users(), Manifest.User::name, "users", where);
        unique(m.channels(), Manifest.Channel::name, "channels", where);
        unique(m.aliases(), Manifest.Alias::name, "aliases", where);
        unique(m.prices(), Manifest.Price::model, "prices", where);
        unique(m.limits(), l -> l.scope() + ":" + l.name(), "limits", where);
        unique(m.keys(), k -> k.user() + "/" + k.label(), "keys", where);
    }

    private static void limit(Manifest.Limit l, String at, String where) {
        require(l.scope(), at + ".scope", where);
        if (!SCOPES.contains(l.scope())) {
            throw new InputException(where + "'" + at + ".scope' must be one of global, user, key, model.");
        }
        if ("global".equals(l.scope()) != (l.name() == null)) {
            throw new InputException(where + "'" + at + ".name' " + ("global".equals(l.scope())
                    ? "must be left out for a global limit." : "is required for a " + l.scope() + " limit."));
        }
        if (l.rpm() == null && l.tpm() == null) {
            throw new InputException(where + "'" + at + "' needs rpm, tpm or both.");
        }
    }

    private static void require(Object value, String field, String where) {
        if (value == null || value.toString().isBlank()) {
            throw new InputException(where + "'" + field + "' is required.");
        }
    }

    private static <T> void unique(List<T> items, Function<T, String> key, String section, String where) {
        Set<String> seen = new HashSet<>();
        for (T item : items) {
            if (!seen.add(key.apply(item))) {
                throw new InputException(where + "'" + section + "' lists " + key.apply(item) + " twice.");
            }
        }
    }
}
