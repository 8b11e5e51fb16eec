package io.modelbridge.gateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** Every API key and channel credential the tests hand to a gateway, for {@link LogSecretScanIT}. */
public final class SecretLedger {
    static final Path FILE = Path.of(System.getProperty("mb.test.secrets", "target/test-secrets.txt"));

    private SecretLedger() {}

    public static synchronized void record(String secret) {
        if (secret == null || secret.length() < 8) {
            return; // too short to tell apart from ordinary text
        }
        try {
            Files.createDirectories(FILE.toAbsolutePath().getParent());
            Files.writeString(FILE, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<String> all() throws IOException {
        return Files.exists(FILE) ? Files.readAllLines(FILE).stream().filter(s -> !s.isBlank()).distinct().toList() : List.of();
    }
}
