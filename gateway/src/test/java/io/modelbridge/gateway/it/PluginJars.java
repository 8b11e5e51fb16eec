package io.modelbridge.gateway.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.spi.ProviderAdapter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.pf4j.Plugin;

/** Plugin jars made by tests: rebuilt versions of a real plugin, and small plugins that misbehave on purpose. */
public final class PluginJars {
    private PluginJars() {}

    /** The openai plugin jar the build produced. */
    public static Path openAiJar() {
        return Path.of(System.getProperty("mb.test.plugins", "target/plugins"), "modelbridge-plugin-openai.jar");
    }

    /** A copy of {@code source} whose manifest has these attributes changed, written atomically to {@code target}. */
    public static Path withManifest(Path source, Path target, Map<String, String> attributes) {
        try (JarFile jar = new JarFile(source.toFile())) {
            Manifest manifest = new Manifest(jar.getManifest());
            attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
            Path part = Files.createTempFile(target.getParent(), ".jar-", ".part");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(part), manifest)) {
                for (JarEntry entry : jar.stream().toList()) {
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = jar.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
            return Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A copy of {@code source} with entries replaced (a null value removes the entry) and manifest attributes
     * changed, written atomically to {@code target}.
     */
    public static Path withEntries(Path source, Path target, Map<String, byte[]> entries, Map<String, String> attributes) {
        try (JarFile jar = new JarFile(source.toFile())) {
            Manifest manifest = new Manifest(jar.getManifest());
            attributes.forEach((k, v) -> manifest.getMainAttributes().putValue(k, v));
            Path part = Files.createTempFile(target.getParent(), ".jar-", ".part");
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(part), manifest)) {
                for (JarEntry entry : jar.stream().toList()) {
                    if (entry.getName().equals(JarFile.MANIFEST_NAME) || entries.containsKey(entry.getName())) {
                        continue;
                    }
                    out.putNextEntry(new JarEntry(entry.getName()));
                    try (InputStream in = jar.getInputStream(entry)) {
                        in.transferTo(out);
                    }
                    out.closeEntry();
                }
                for (var e : entries.entrySet()) {
                    if (e.getValue() != null) {
                        out.putNextEntry(new JarEntry(e.getKey()));
                        out.write(e.getValue());
                        out.closeEntry();
                    }
                }
            }
            return Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The openai plugin rebuilt as another version. */
    public static Path openAiVersion(String version, Path target) {
        return withManifest(openAiJar(), target, Map.of("Plugin-Version", version));
    }

    /**
     * Compiles a one-class plugin: {@code pluginClassBody} is the body of a {@code Plugin} subclass and
     * {@code adapterClassBody}, when not null, the body of a {@code ProviderAdapter} listed as its extension.
     */
    public static Path compile(Path target, String pluginId, String pluginClassBody, String adapterClassBody) {
        try {
            Path work = Files.createTempDirectory("plugin-src");
            Path src = Files.createDirectories(work.resolve("src/fixture"));
            Path classes = Files.createDirectories(work.resolve("classes"));
            String imports = "package fixture;\nimport io.modelbridge.spi.*;\nimport java.util.*;\n"
                    + "import java.util.function.Consumer;\n";
            List<Path> sources = new ArrayList<>();
            sources.add(Files.writeString(src.resolve("FixturePlugin.java"), imports
                    + "public class FixturePlugin extends org.pf4j.Plugin {\n" + pluginClassBody + "\n}\n"));
            if (adapterClassBody != null) {
                sources.add(Files.writeString(src.resolve("FixtureAdapter.java"), imports
                        + "public class FixtureAdapter implements ProviderAdapter {\n" + adapterClassBody + "\n}\n"));
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            List<String> args = new ArrayList<>(List.of("--release", "21", "-d", classes.toString(), "-cp", classPath()));
            sources.forEach(s -> args.add(s.toString()));
            if (javac.run(null, null, null, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("fixture plugin did not compile");
            }
            if (adapterClassBody != null) {
                Files.writeString(Files.createDirectories(classes.resolve("META-INF")).resolve("extensions.idx"),
                        "fixture.FixtureAdapter\n");
            }
            Manifest manifest = new Manifest();
            Attributes main = manifest.getMainAttributes();
            main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
            main.putValue("Plugin-Id", pluginId);
            main.putValue("Plugin-Version", "1.0.0");
            main.putValue("Plugin-Class", "fixture.FixturePlugin");
            main.putValue("Plugin-Requires", ">=1.0.0 & <2.0.0");
            return writeJar(classes, manifest, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code bytes} to {@code target} in {@code steps} parts with a pause after each but the last. */
    public static void slowCopy(byte[] bytes, Path target, int steps, long pauseMillis) throws Exception {
        try (OutputStream out = Files.newOutputStream(target)) {
            int step = bytes.length / steps + 1;
            for (int off = 0; off < bytes.length; off += step) {
                out.write(bytes, off, Math.min(step, bytes.length - off));
                out.flush();
                if (off + step < bytes.length) {
                    Thread.sleep(pauseMillis);
                }
            }
        }
    }

    private static Path writeJar(Path classes, Manifest manifest, Path target) throws IOException {
        Path part = Files.createTempFile(target.getParent(), ".jar-", ".part");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(part), manifest);
             Stream<Path> files = Files.walk(classes)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The SPI, PF4J and Jackson, wherever the test runner put them. */
    private static String classPath() {
        List<String> entries = new ArrayList<>();
        for (Class<?> c : List.of(ProviderAdapter.class, Plugin.class, JsonNode.class, org.slf4j.Logger.class)) {
            try {
                entries.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}
