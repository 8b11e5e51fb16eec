package io.modelbridge.gateway.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The master key and admin token files a first start generates. A crash between creating such a file and filling
 * it left it empty, and every later start failed on it ("No value present").
 */
class SecretFilesTest {

    @Test
    void emptyFilesACrashLeftAreGeneratedAgainAndThenKept(@TempDir Path dir) throws Exception {
        GatewayConfig config = GatewayConfig.fromEnvironment(Map.of("MB_DATA_DIR", dir.toString()));
        Files.createFile(dir.resolve(SecretFiles.MASTER_KEY_FILE));
        Files.createFile(dir.resolve(SecretFiles.ADMIN_TOKEN_FILE));
        byte[] key = SecretFiles.masterKey(config);
        assertEquals(32, key.length);
        assertArrayEquals(key, Base64.getDecoder().decode(Files.readString(dir.resolve("master-key")).strip()));
        assertArrayEquals(key, SecretFiles.masterKey(config), "kept for the next start");
        String token = SecretFiles.adminToken(config);
        assertEquals(token + "\n", Files.readString(dir.resolve("admin-token")));
        assertEquals(token, SecretFiles.adminToken(config));
    }
}
