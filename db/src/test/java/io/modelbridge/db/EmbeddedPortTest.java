package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL listens below the kernel's ephemeral port range. A port from that range can be taken by any
 * outgoing connection between the moment it is found free and the postmaster's bind; the start then failed after
 * waiting a minute ("could not bind IPv4 address: Address already in use" in a parallel test run).
 */
class EmbeddedPortTest {

    @Test
    void theServerListensBelowTheEphemeralRange(@TempDir Path dir) {
        try (Database db = Database.start(DbSettings.embedded(dir))) {
            int port = URI.create(db.jdbcUrl().substring("jdbc:".length())).getPort();
            assertTrue(port > 0 && port < FreePorts.ephemeralStart(),
                    "port " + port + ", ephemeral range from " + FreePorts.ephemeralStart());
        }
    }
}
