package io.modelbridge.admin.apply;

import io.modelbridge.admin.InputException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The references of an apply file: a key's user, an alias's channels and a user limit's user must be on the gateway
 * or be created by the file. Values are not checked here: the gateway checks every change (a dry run of it) before
 * the first one is made, with its own rules and database.
 */
final class ManifestReferences {
    private final String where;

    private ManifestReferences(Path file) {
        this.where = "apply file " + file + ": ";
    }

    /** Objects the file refers to must be on the gateway now or be created by the file before they are used. */
    static void check(Manifest m, Current now, Path file) {
        ManifestReferences checks = new ManifestReferences(file);
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
}
