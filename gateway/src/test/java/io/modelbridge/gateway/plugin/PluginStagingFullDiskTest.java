package io.modelbridge.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.modelbridge.gateway.config.PluginConfig;
import io.modelbridge.gateway.it.PluginJars;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A new version of a plugin dropped in while the disk is full: its copy into the staging folder fails, which is no
 * fault of the jar's. Before, the jar was refused as broken: renamed *.refused, and the working version's bytes,
 * which were to be put back under its name, could not be written either, so the folder no longer held the plugin
 * (the next start would lack it) and freeing the disk changed nothing. Needs a small file system of its own: a
 * tmpfs, which only root may mount; skipped elsewhere.
 */
class PluginStagingFullDiskTest {
    @TempDir
    Path dir;

    @Test
    void aJarThatCannotBeStagedOnAFullDiskIsLeftAloneAndLoadsOnceThereIsRoom() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString()),
                "mounting a tmpfs needs root (with CAP_SYS_ADMIN)");
        try {
            Path jar = disk.resolve("modelbridge-plugin-openai.jar");
            Files.copy(PluginJars.openAiJar(), jar);
            try (PluginHost host = new PluginHost(disk, PluginConfig.defaults())) {
                host.loadAll();
                assertEquals(List.of("openai 1.0.0 STARTED"), listing(host));

                PluginJars.openAiVersion("1.0.1", jar);
                Path filler = fill(disk);
                host.sync();
                host.sync(); // tried again, with the same outcome
                List<PluginView> views = host.list();
                assertEquals(List.of("modelbridge-plugin-openai.jar null FAILED", "openai 1.0.0 STARTED"),
                        listing(host), views.toString());
                String error = views.get(0).error();
                assertTrue(error.startsWith("cannot copy it into " + disk.resolve(".staging") + ": "), error);
                assertTrue(Files.exists(jar), "the new version stays under its name");
                assertEquals(List.of(), refused(disk), "nothing is set aside");

                Files.delete(filler);
                host.sync();
                assertEquals(List.of("openai 1.0.1 STARTED"), listing(host));
            }
        } finally {
            assertTrue(run("umount", disk.toString()), "unmounting " + disk);
        }
    }

    private static List<String> listing(PluginHost host) {
        return host.list().stream().map(v -> v.id() + " " + v.version() + " " + v.state()).sorted().toList();
    }

    private static List<Path> refused(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.toString().endsWith(".refused")).toList();
        }
    }

    /** Writes a file until the disk is full. */
    private static Path fill(Path disk) throws IOException {
        Path filler = disk.resolve("filler");
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            return filler;
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
