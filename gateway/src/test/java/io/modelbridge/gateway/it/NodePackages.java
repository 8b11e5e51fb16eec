package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * JavaScript SDKs driven by Node for the SDK ITs: installed with npm into a folder under target (once per build), and
 * a driving script from the test resources run there. A test that needs them is skipped, saying why, when node is
 * absent or npm cannot install the packages (offline).
 */
final class NodePackages {
    private NodePackages() {}

    record Run(int exit, String output) {
        /** The last line of the output: the drivers print their JSON result there. */
        String lastLine() {
            return output.lines().reduce((a, b) -> b).orElse("");
        }
    }

    /** Skips the test unless node runs. */
    static void assumeNode(String what) throws InterruptedException {
        assumeTrue(run(List.of("node", "--version"), Path.of("."), Map.of(), 30).exit() == 0,
                "node is not installed: " + what + " cannot be driven");
    }

    /**
     * A folder with {@code packages} (npm specs such as {@code ai@5.0.1}) in its node_modules and the resource
     * {@code /<script>} copied beside them (none when {@code script} is null): {@code target/<folder>}, or the
     * folder the system property {@code property} names. {@code marker} is a path under node_modules that exists
     * once they are installed.
     */
    static Path installed(String folder, String property, String marker, List<String> packages, String script)
            throws Exception {
        Path dir = Path.of(System.getProperty(property, "target/" + folder));
        Files.createDirectories(dir);
        if (!Files.isDirectory(dir.resolve("node_modules").resolve(marker))) {
            List<String> command = new ArrayList<>(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix",
                    dir.toString()));
            command.addAll(packages);
            Run install = run(command, Path.of("."), Map.of(), 240);
            assumeTrue(install.exit() == 0,
                    packages + " could not be installed with npm (offline?): " + install.output());
        }
        if (script != null) {
            try (InputStream in = NodePackages.class.getResourceAsStream("/" + script)) {
                Files.copy(in, dir.resolve(Path.of(script).getFileName().toString()),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return dir;
    }

    /** A bounded subprocess: its exit code (-1 when it did not start or timed out) and its output. */
    static Run run(List<String> command, Path dir, Map<String, String> env, int seconds) throws InterruptedException {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            builder.environment().putAll(env);
            Process process = builder.start();
            process.getOutputStream().close(); // no input: a CLI that reads a piped stdin must not wait for it
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Run(-1, "timed out after " + seconds + " s");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return new Run(process.exitValue(), output);
        } catch (IOException e) {
            return new Run(-1, e.toString());
        }
    }
}
