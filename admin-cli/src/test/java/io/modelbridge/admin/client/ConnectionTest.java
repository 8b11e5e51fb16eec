package io.modelbridge.admin.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Server and token resolution: flags, then environment, then the gateway's defaults and token file. */
class ConnectionTest {
    @TempDir
    Path data;

    @Test
    void serverFromFlagEnvironmentOrDefault() {
        assertEquals("http://127.0.0.1:8081", Connection.resolve(Optional.empty(), Optional.empty(),
                Map.of("MB_DATA_DIR", data.toString())).server().toString());
        assertEquals("http://127.0.0.1:9091", Connection.resolve(Optional.empty(), Optional.empty(),
                Map.of("MB_ADMIN_PORT", "9091", "MB_DATA_DIR", data.toString())).server().toString());
        assertEquals("https://gw.example.com:8443", Connection.resolve(Optional.empty(), Optional.empty(),
                Map.of("MB_SERVER", "https://gw.example.com:8443/")).server().toString());
        assertEquals("http://10.0.0.5:8081", Connection.resolve(Optional.of("10.0.0.5:8081"), Optional.empty(),
                Map.of("MB_SERVER", "ignored:1")).server().toString());
        assertThrows(IllegalArgumentException.class,
                () -> Connection.resolve(Optional.of("ftp://x"), Optional.empty(), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> Connection.resolve(Optional.of("http://x:1/admin"), Optional.empty(), Map.of()));
    }

    @Test
    void tokenFromFlagEnvironmentOrTheDataFolder() throws IOException {
        Files.writeString(data.resolve("admin-token"), "mbadm-from-file\n");
        Map<String, String> env = Map.of("MB_DATA_DIR", data.toString());
        Connection fromFile = Connection.resolve(Optional.empty(), Optional.empty(), env);
        assertEquals(Optional.of("mbadm-from-file"), fromFile.token());
        assertEquals(data.resolve("admin-token").toString(), fromFile.tokenSource());
        assertEquals("MB_ADMIN_TOKEN", Connection.resolve(Optional.empty(), Optional.empty(),
                Map.of("MB_ADMIN_TOKEN", "t", "MB_DATA_DIR", data.toString())).tokenSource());
        assertEquals(Optional.of("f"), Connection.resolve(Optional.empty(), Optional.of("f"),
                Map.of("MB_ADMIN_TOKEN", "t")).token());
        assertEquals(Optional.empty(), Connection.resolve(Optional.empty(), Optional.empty(),
                Map.of("MB_DATA_DIR", data.resolve("none").toString())).token());
        assertFalse(fromFile.toString().contains("mbadm-from-file"), "never the token in toString");
    }
}
