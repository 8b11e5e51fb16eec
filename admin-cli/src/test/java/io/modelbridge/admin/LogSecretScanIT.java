package io.modelbridge.admin;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.testkit.SecretLedger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The reactor's last test (admin-cli builds last; this runs in its failsafe phase, after its own tests): no key,
 * credential, token or signature that any module's tests used or a simulator issued ({@link SecretLedger}, one file
 * for the build) appears in any line any module's tests logged: every {@code target/surefire-reports} and
 * {@code target/failsafe-reports} {@code *-output.txt} under the reactor root, and the logs of the processes the
 * tests started ({@code target/test-logs}, e.g. SigtermDrainIT's packaged gateway).
 */
class LogSecretScanIT {
    private static final List<String> REPORT_DIRS = List.of("surefire-reports", "failsafe-reports");
    private static final String PROCESS_LOGS = "test-logs";

    @Test
    void noSecretTheTestsUsedAppearsInAnyLogLine() throws IOException {
        Path root = Path.of(System.getProperty("mb.root", "..")).toAbsolutePath().normalize();
        Path ledger = SecretLedger.file();
        assertTrue(Files.isRegularFile(ledger), "no secret ledger at " + ledger + ": the tests recorded nothing"
                + " (a partial run that starts no gateway or simulator can skip this scan with -DskipITs)");
        List<String> secrets = SecretLedger.all();
        assertTrue(secrets.size() > 10, "the ledger " + ledger + " should hold the keys and credentials the tests "
                + "used, it has " + secrets.size());

        Map<String, List<Path>> logsByModule = logs(root);
        assertFalse(logsByModule.isEmpty(), "no test output files under " + root + "/**/target/{"
                + String.join(",", REPORT_DIRS) + "," + PROCESS_LOGS + "}: is redirectTestOutputToFile off?");
        Path sigtermReport = root.resolve("gateway/target/failsafe-reports/TEST-io.modelbridge.gateway.it.SigtermDrainIT.xml");
        if (Files.exists(sigtermReport)) {
            assertTrue(logsByModule.getOrDefault("gateway", List.of()).stream()
                            .anyMatch(p -> p.getFileName().toString().startsWith("SigtermDrainIT-")),
                    "SigtermDrainIT ran but its gateway processes left no log in gateway/target/test-logs");
        }

        List<String> leaks = new ArrayList<>();
        long lines = 0;
        StringBuilder summary = new StringBuilder();
        for (var module : logsByModule.entrySet()) {
            long moduleLines = 0;
            for (Path log : module.getValue()) {
                // Decoded leniently: a test may well print bytes that are not UTF-8.
                for (String line : new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList()) {
                    moduleLines++;
                    for (String secret : secrets) {
                        if (line.contains(secret)) {
                            leaks.add(root.relativize(log) + ": " + line.replace(secret, "<secret of " + secret.length()
                                    + " chars>"));
                        }
                    }
                }
            }
            lines += moduleLines;
            summary.append(String.format("  %-20s %4d files %8d lines%n", module.getKey(), module.getValue().size(),
                    moduleLines));
        }
        System.out.printf("Scanned %d log lines for %d secrets from %s:%n%s", lines, secrets.size(), ledger, summary);
        assertTrue(lines > 10, "expected the suite's log lines, found " + lines);
        assertTrue(leaks.isEmpty(), leaks.size() + " log lines carry a secret:\n" + String.join("\n", leaks));
    }

    /** The log files of every module under the root, by module folder (relative to the root). */
    private static Map<String, List<Path>> logs(Path root) throws IOException {
        Map<String, List<Path>> byModule = new TreeMap<>();
        try (Stream<Path> targets = Files.find(root, 3, (p, a) -> a.isDirectory() && p.getFileName().toString().equals("target")
                && Files.exists(p.resolveSibling("pom.xml")))) {
            for (Path target : targets.toList()) {
                String module = root.relativize(target.getParent()).toString();
                List<Path> files = new ArrayList<>();
                for (String dir : REPORT_DIRS) {
                    files.addAll(list(target.resolve(dir), "-output.txt"));
                }
                files.addAll(list(target.resolve(PROCESS_LOGS), ""));
                if (!files.isEmpty()) {
                    byModule.put(module.isEmpty() ? "." : module, files);
                }
            }
        }
        return byModule;
    }

    private static List<Path> list(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> f.getFileName().toString().endsWith(suffix)).sorted()
                    .toList();
        }
    }
}
