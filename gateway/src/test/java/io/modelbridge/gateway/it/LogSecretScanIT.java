package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Runs after every other test of the module (its own failsafe execution): no API key, channel credential or admin
 * token any test used appears in any line the tests logged.
 */
class LogSecretScanIT {
    @Test
    void noSecretTheTestsUsedAppearsInAnyLogLine() throws IOException {
        List<String> secrets = new ArrayList<>(SecretLedger.all());
        secrets.add(RunningGateway.ADMIN_TOKEN);
        assertTrue(secrets.size() > 1, "the ledger should hold the keys and credentials the tests used: " + secrets.size());
        List<Path> logs = new ArrayList<>();
        for (String dir : List.of("target/surefire-reports", "target/failsafe-reports")) {
            if (Files.isDirectory(Path.of(dir))) {
                try (Stream<Path> files = Files.list(Path.of(dir))) {
                    files.filter(f -> f.getFileName().toString().endsWith("-output.txt")).forEach(logs::add);
                }
            }
        }
        assertTrue(!logs.isEmpty(), "no test output files to scan");
        List<String> leaks = new ArrayList<>();
        long lines = 0;
        for (Path log : logs) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                lines++;
                for (String secret : secrets) {
                    if (line.contains(secret)) {
                        leaks.add(log.getFileName() + ": " + line.replace(secret, "<" + secret.length() + " chars>"));
                    }
                }
            }
        }
        assertTrue(lines > 10, "expected the suite's log lines, found " + lines);
        assertTrue(leaks.isEmpty(), leaks.size() + " log lines carry a secret:\n" + String.join("\n", leaks));
    }
}
