package io.modelbridge.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret the tests use or a simulator issues (API keys, channel credentials, the admin token, ERNIE access
 * tokens, GLM JWTs, Spark URL signatures), appended to one file for the whole build: the {@code mb.test.secrets}
 * system property the root pom sets for every module's tests ({@code <root>/target/test-secrets.txt}; the root
 * project deletes it at the start of each build). admin-cli's {@code LogSecretScanIT}, the reactor's last test,
 * checks that none of them is in any log line the build's tests produced.
 */
public final class SecretLedger {
    /** Shorter values are too easy to find in ordinary text to count as a leak. */
    public static final int MIN_LENGTH = 8;
    private static final Set<String> RECORDED = ConcurrentHashMap.newKeySet();

    private SecretLedger() {}

    /** The ledger file. */
    public static Path file() {
        return Path.of(System.getProperty("mb.test.secrets", "target/test-secrets.txt")).toAbsolutePath();
    }

    /** Appends the secret (once per JVM); null and short values are ignored. */
    public static void record(String secret) {
        if (secret == null || secret.strip().length() < MIN_LENGTH || secret.contains("\n") || !RECORDED.add(secret)) {
            return;
        }
        synchronized (SecretLedger.class) {
            try {
                Path file = file();
                Files.createDirectories(file.getParent());
                Files.writeString(file, secret + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Every secret recorded so far by any JVM of the build, without duplicates; empty when there is no file. */
    public static List<String> all() throws IOException {
        Path file = file();
        return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                .filter(s -> !s.isBlank()).distinct().toList() : List.of();
    }
}
