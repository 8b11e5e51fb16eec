package io.modelbridge.gateway.cluster;

import io.modelbridge.gateway.config.GatewayConfig;
import io.modelbridge.gateway.ids.RandomIds;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The name this gateway instance holds quota leases under: MB_INSTANCE_ID, else an id generated once into the data
 * folder. It must survive a restart, so the restarted instance finds and refunds what its crashed run left open.
 */
public final class InstanceIdentity {
    static final String FILE = "instance-id";

    private InstanceIdentity() {}

    public static String of(GatewayConfig config) {
        return config.control().instanceId().orElseGet(() -> stored(config.dataDir().resolve(FILE)));
    }

    private static String stored(Path file) {
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.UTF_8).strip();
                if (!id.isEmpty()) {
                    return id;
                }
            }
            Files.createDirectories(file.getParent());
            String id = "gw-" + RandomIds.base64Url(9);
            Files.writeString(file, id + "\n", StandardCharsets.UTF_8);
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the instance id file " + file, e);
        }
    }
}
