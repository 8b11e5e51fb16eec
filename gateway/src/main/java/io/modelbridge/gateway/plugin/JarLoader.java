package io.modelbridge.gateway.plugin;

import io.modelbridge.spi.ProviderAdapter;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.SpiVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pf4j.PluginState;
import org.pf4j.PluginWrapper;

/**
 * Loads one jar into a fresh PF4J manager. The jar is first copied (at most {@link JarInspector#MAX_JAR_BYTES}) to
 * an immutable staging file named by its content hash and loaded from there, so the operator may overwrite or
 * delete the original at any time (PF4J keeps jar handles open: pf4j#217, #334). Loading, starting and checking
 * run on a thread of their own for at most the start timeout; a jar that fails in any way leaves no staged copy.
 */
final class JarLoader {
    private final Path stagingDir;
    private final Duration startTimeout;

    JarLoader(Path stagingDir, Duration startTimeout) {
        this.stagingDir = stagingDir;
        this.startTimeout = startTimeout;
    }

    /** A private copy of a jar, inspected; delete it with {@link #discard} unless it is started. */
    record Staged(Path jar, Path staged, JarContents contents) {}

    Staged stage(Path jar) throws PluginLoadException {
        return stage(jar, jar);
    }

    /** Stages the bytes of {@code source} as the jar {@code jar} (a kept copy of an earlier version). */
    Staged stage(Path source, Path jar) throws PluginLoadException {
        Path staged = copy(source, jar.getFileName().toString());
        try {
            return new Staged(jar, staged, JarInspector.inspect(staged));
        } catch (PluginLoadException | RuntimeException e) {
            discard(staged);
            throw e;
        }
    }

    /**
     * Loads, starts and checks a staged jar within the start timeout. A plugin still starting when the time is up
     * is interrupted, refused, and unloaded as soon as its start returns.
     */
    PluginGeneration start(Staged jar) throws PluginLoadException {
        CompletableFuture<PluginGeneration> started = new CompletableFuture<>();
        Thread starter = Thread.ofPlatform().daemon().name("plugin-start-" + jar.jar().getFileName()).start(() -> {
            try {
                started.complete(startNow(jar));
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
        });
        try {
            return started.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            starter.interrupt();
            started.thenAccept(PluginGeneration::retire); // unloads it (and its staged copy) if it ever starts
            discard(jar.staged());
            throw new PluginLoadException(jar.contents().pluginId(), jar.contents().version(), "did not load and start"
                    + " within " + startTimeout.toSeconds() + " s (MB_PLUGIN_START_TIMEOUT_SECONDS)", null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            starter.interrupt();
            started.thenAccept(PluginGeneration::retire);
            throw new PluginLoadException(jar.contents().pluginId(), jar.contents().version(), "interrupted", e);
        } catch (ExecutionException e) {
            discard(jar.staged());
            Throwable why = e.getCause();
            if (why instanceof PluginLoadException ple) {
                throw ple;
            }
            if (why instanceof VirtualMachineError vme) {
                throw new PluginLoadException(jar.contents().pluginId(), jar.contents().version(),
                        "the gateway ran out of resources loading it: " + vme, vme);
            }
            throw new PluginLoadException(jar.contents().pluginId(), jar.contents().version(), "failed to load: "
                    + message(why), why);
        }
    }

    /** On the starter thread: everything PF4J and the plugin's own code do to come up, and the class check. */
    private PluginGeneration startNow(Staged jar) throws PluginLoadException {
        GatewayPluginManager manager = new GatewayPluginManager(stagingDir);
        String id;
        try {
            id = manager.loadPlugin(jar.staged());
        } catch (RuntimeException | LinkageError e) {
            throw new PluginLoadException(jar.contents().pluginId(), null, "not a plugin jar: " + message(e), e);
        }
        PluginWrapper plugin = manager.getPlugin(id);
        String version = plugin.getDescriptor().getVersion();
        try {
            return started(manager, plugin, jar);
        } catch (PluginLoadException | RuntimeException | LinkageError e) {
            unload(manager, id, jar.staged());
            if (e instanceof PluginLoadException ple) {
                throw ple;
            }
            throw new PluginLoadException(id, version, "failed to start: " + message(e), e);
        }
    }

    private PluginGeneration started(GatewayPluginManager manager, PluginWrapper plugin, Staged jar)
            throws PluginLoadException {
        String id = plugin.getPluginId();
        String version = plugin.getDescriptor().getVersion();
        if (plugin.getPluginState() == PluginState.DISABLED || plugin.getPluginState() == PluginState.FAILED) {
            throw new PluginLoadException(id, version, "requires SPI '" + plugin.getDescriptor().getRequires()
                    + "' but this gateway provides SPI " + SpiVersion.CURRENT, plugin.getFailedException());
        }
        ClassCheck.verify(jar.contents(), plugin.getPluginClassLoader());
        if (manager.startPlugin(id) != PluginState.STARTED) {
            Throwable why = plugin.getFailedException();
            throw new PluginLoadException(id, version, "start() failed: " + (why == null ? "unknown" : message(why)),
                    why);
        }
        List<ProviderAdapter> adapters = manager.getExtensions(ProviderAdapter.class, id);
        if (adapters.isEmpty()) {
            throw new PluginLoadException(id, version,
                    "provides no ProviderAdapter extension (is META-INF/extensions.idx in the jar?)", null);
        }
        List<ProviderInfo> infos = new ArrayList<>();
        for (ProviderAdapter adapter : adapters) {
            infos.add(adapter.info()); // a plugin whose info() throws is refused now, not per request
        }
        return new PluginGeneration(id, version, jar.jar(), jar.staged(), adapters, infos,
                () -> unload(manager, id, jar.staged()));
    }

    private static void unload(GatewayPluginManager manager, String id, Path staged) {
        try {
            manager.stopPlugin(id);
        } catch (RuntimeException | LinkageError ignored) {
            // a plugin whose stop() throws is unloaded all the same
        }
        try {
            manager.unloadPlugin(id);
        } catch (RuntimeException | LinkageError ignored) {
            // nothing more can be done for it; its staged copy goes below
        }
        com.fasterxml.jackson.databind.type.TypeFactory.defaultInstance().clearCache();
        discard(staged);
    }

    static void discard(Path staged) {
        if (staged == null) {
            return;
        }
        try {
            Files.deleteIfExists(staged);
        } catch (IOException ignored) {
            // a staged copy left behind is removed at the next start
        }
    }

    /**
     * Streams the jar into the staging folder, hashing it on the way; refuses one over the size bound. A failure to
     * read the jar is the jar's; one to write the copy (a full disk) is not, and says so
     * ({@link PluginLoadException#notTheJars}).
     */
    private Path copy(Path jar, String fileName) throws PluginLoadException {
        Path part = null;
        try {
            Files.createDirectories(stagingDir);
            String name = fileName.replaceFirst("\\.jar$", "");
            part = Files.createTempFile(stagingDir, name, ".part");
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new JarInput(jar);
                 OutputStream out = new DigestOutputStream(Files.newOutputStream(part), sha)) {
                in.transferTo(new BoundedOutput(out, JarInspector.MAX_JAR_BYTES));
            }
            String hash = HexFormat.of().formatHex(sha.digest(), 0, 8);
            Path staged = stagingDir.resolve(name + "-" + hash + "-" + System.nanoTime() + ".jar");
            Files.move(part, staged, StandardCopyOption.ATOMIC_MOVE);
            return staged;
        } catch (BoundedOutput.TooLarge e) {
            discard(part);
            throw new PluginLoadException(null, null, "larger than " + JarInspector.MAX_JAR_BYTES + " bytes", null);
        } catch (JarInput.Unreadable e) {
            discard(part);
            throw new PluginLoadException(null, null, "cannot read: " + message(e), e);
        } catch (IOException e) {
            discard(part);
            throw PluginLoadException.stagingFailed(stagingDir, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The jar's bytes; a failure to open or read them is {@link Unreadable}, told apart from the copy's writes. */
    private static final class JarInput extends java.io.FilterInputStream {
        static final class Unreadable extends IOException {
            private static final long serialVersionUID = 1L;

            Unreadable(IOException cause) {
                super(cause.getMessage(), cause);
            }
        }

        JarInput(Path jar) throws Unreadable {
            super(open(jar));
        }

        private static InputStream open(Path jar) throws Unreadable {
            try {
                return Files.newInputStream(jar);
            } catch (IOException e) {
                throw new Unreadable(e);
            }
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw new Unreadable(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw new Unreadable(e);
            }
        }
    }

    static String message(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }

    /** Refuses to write past its bound. */
    private static final class BoundedOutput extends java.io.FilterOutputStream {
        private long left;

        BoundedOutput(OutputStream out, long bound) {
            super(out);
            this.left = bound;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > left) {
                throw new TooLarge();
            }
            left -= len;
            out.write(b, off, len);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        static final class TooLarge extends IOException {
            private static final long serialVersionUID = 1L;
        }
    }
}
