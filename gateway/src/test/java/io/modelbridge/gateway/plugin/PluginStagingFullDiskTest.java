package io.modelbridge.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelbridge.gateway.config.PluginConfig;
import io.modelbridge.gateway.it.PluginJars;
import io.modelbridge.gateway.it.SmallDisk;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
        try (SmallDisk small = SmallDisk.mount(dir.resolve("disk"), "1m")) {
            Path disk = small.folder();
            Path jar = disk.resolve("modelbridge-plugin-openai.jar");
            Files.copy(PluginJars.openAiJar(), jar);
            try (PluginHost host = new PluginHost(disk, PluginConfig.defaults())) {
                host.loadAll();
                assertEquals(List.of("openai 1.0.0 STARTED"), listing(host));

                PluginJars.openAiVersion("1.0.1", jar);
                Path filler = small.fill();
                host.sync();
                host.sync(); // tried again, with the same outcome
                List<PluginView> views = host.list();
                assertEquals(List.of("modelbridge-plugin-openai.jar null FAILED", "openai 1.0.0 STARTED"),
                        listing(host), views.toString());
                String error = views.stream().filter(v -> v.state().equals("FAILED")).findFirst().orElseThrow().error();
                assertTrue(error.startsWith("cannot copy it into " + disk.resolve(".staging") + ": "), error);
                assertTrue(Files.exists(jar), "the new version stays under its name");
                assertEquals(List.of(), refused(disk), "nothing is set aside");

                Files.delete(filler);
                host.sync();
                assertEquals(List.of("openai 1.0.1 STARTED"), listing(host));
            }
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
}
