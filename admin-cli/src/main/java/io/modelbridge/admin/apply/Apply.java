package io.modelbridge.admin.apply;

import io.modelbridge.admin.client.AdminClient;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Reads an apply file and plans the changes that make the gateway match it. */
public final class Apply {
    private Apply() {}

    /** @throws io.modelbridge.admin.InputException when the file is unreadable or invalid */
    public static List<Change> plan(Path file, Map<String, String> env, AdminClient client) {
        Manifest manifest = new ManifestReader(env).read(file);
        return new Planner(client).plan(manifest, file);
    }
}
