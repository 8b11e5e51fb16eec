package io.modelbridge.db;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Data directories made by earlier versions trust every local connection and give the superuser no password.
 * Before such a server listens again, its superuser gets the generated password in single-user mode (no socket,
 * no listener), so the server never comes up trusting anyone.
 */
final class LegacyTrustUpgrade {
    private static final Logger LOG = LoggerFactory.getLogger(LegacyTrustUpgrade.class);

    private LegacyTrustUpgrade() {}

    /** A data dir that exists and whose pg_hba.conf still has a trust line. */
    static boolean needed(Path directory) throws IOException {
        Path hba = directory.resolve("pg_hba.conf");
        if (!Files.exists(directory.resolve("PG_VERSION")) || !Files.exists(hba)) {
            return false;
        }
        return Files.readAllLines(hba).stream().map(String::strip)
                .anyMatch(line -> !line.startsWith("#") && line.matches(".*\\btrust\\b.*"));
    }

    /** Sets the superuser's password with the binary the directory last ran with (named in postmaster.opts). */
    static void setSuperuserPassword(Path directory, String password) {
        try {
            Path opts = directory.resolve("postmaster.opts");
            if (!Files.exists(opts)) {
                throw new IllegalStateException("cannot upgrade the trust authentication of " + directory
                        + ": it has no postmaster.opts naming its PostgreSQL binary");
            }
            String line = Files.readString(opts).strip();
            Path binary = Path.of(line.substring(0, line.indexOf(' ')));
            List<String> command = new ArrayList<>();
            if ("root".equals(System.getProperty("user.name"))) {
                command.addAll(List.of("unshare", "-U")); // as zonky does: PostgreSQL refuses to run as root
            }
            command.addAll(List.of(binary.toString(), "--single", "-D", directory.toString(), "postgres"));
            Process single = new ProcessBuilder(command).redirectErrorStream(true).start();
            single.getOutputStream().write(("ALTER ROLE postgres PASSWORD '" + password + "'\n")
                    .getBytes(StandardCharsets.UTF_8));
            single.getOutputStream().close();
            String output = new String(single.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!single.waitFor(60, TimeUnit.SECONDS) || single.exitValue() != 0 || output.contains("ERROR")) {
                single.destroyForcibly();
                throw new IllegalStateException("could not set the superuser password of " + directory
                        + " in single-user mode: " + output.replace(password, "***"));
            }
            LOG.warn("Upgraded {} from trust to password (SCRAM) authentication", directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot upgrade the trust authentication of " + directory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
