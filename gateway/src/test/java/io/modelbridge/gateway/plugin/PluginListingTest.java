package io.modelbridge.gateway.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modelbridge.gateway.config.PluginConfig;
import io.modelbridge.gateway.it.PluginJars;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the plugin listing (admin API, mbctl plugin list) shows while a version is replaced or removed with a request
 * still on it: the old version, UNLOADING, at every moment after the change is published. Read the instant the
 * change is logged, which comes right after it is published and before the scan ends: the old version was missing
 * from the listing in that window (PluginHotSwapIT once read it there).
 */
class PluginListingTest {
    // A strong reference: JUL holds loggers weakly, and a collected one would come back without our handler.
    private final Logger hostLog = Logger.getLogger(PluginHost.class.getName());
    private final Map<String, List<String>> listedWhenLogged = new ConcurrentHashMap<>();
    private PluginHost host;
    private final Handler readTheListing = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String message = String.valueOf(r.getMessage());
            for (String event : List.of("started from", "removed with its jar")) {
                if (message.contains(event) && host != null) {
                    listedWhenLogged.put(event, listing(host));
                }
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };

    @TempDir
    Path folder;

    private Path jar;

    @BeforeEach
    void watchTheLog() throws Exception {
        hostLog.addHandler(readTheListing);
        jar = folder.resolve("modelbridge-plugin-openai.jar");
        Files.copy(PluginJars.openAiJar(), jar);
    }

    /** A host that loaded openai 1.0.0 from {@link #jar}, the one the log handler reads. */
    private PluginHost started() {
        PluginHost plugins = new PluginHost(folder, PluginConfig.defaults());
        plugins.loadAll();
        host = plugins;
        return plugins;
    }

    @AfterEach
    void stopWatching() {
        hostLog.removeHandler(readTheListing);
    }

    @Test
    void aReplacedVersionWithARequestOnItIsListedUnloadingFromTheMomentTheNewOneIsListed() throws Exception {
        try (PluginHost plugins = started()) {
            try (AdapterLease inFlight = plugins.acquire("openai").orElseThrow()) {
                PluginJars.openAiVersion("1.0.1", jar);
                plugins.sync();
                List<String> expected = List.of("openai 1.0.0 UNLOADING", "openai 1.0.1 STARTED");
                assertEquals(expected, listedWhenLogged.get("started from"), "as the new version was logged");
                assertEquals(expected, listing(plugins), "after the scan");
            }
            plugins.sync();
            assertEquals(List.of("openai 1.0.1 STARTED"), listing(plugins), "the old version unloaded with its request");
        }
    }

    @Test
    void aRemovedVersionWithARequestOnItIsListedUnloadingFromTheMomentItIsRemoved() throws Exception {
        try (PluginHost plugins = started()) {
            try (AdapterLease inFlight = plugins.acquire("openai").orElseThrow()) {
                Files.delete(jar);
                plugins.sync();
                assertEquals(List.of("openai 1.0.0 UNLOADING"), listedWhenLogged.get("removed with its jar"),
                        "as the removal was logged");
            }
            plugins.sync();
            assertEquals(List.of(), listing(plugins));
        }
    }

    private static List<String> listing(PluginHost host) {
        return host.list().stream().map(v -> v.id() + " " + v.version() + " " + v.state()).sorted().toList();
    }
}
