package io.modelbridge.gateway.plugin;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Reads a jar's manifest, extension index and entry list with a bound on every size and count, so a hostile or
 * broken jar is refused with a reason before PF4J reads any of it unbounded.
 */
final class JarInspector {
    static final long MAX_JAR_BYTES = 64L * 1024 * 1024;
    static final int MAX_ENTRIES = 10_000;
    static final long MAX_ENTRY_BYTES = 16L * 1024 * 1024;
    static final long MAX_TOTAL_BYTES = 256L * 1024 * 1024;
    /** The manifest, META-INF/extensions.idx and plugin.properties. */
    static final int MAX_DESCRIPTOR_BYTES = 64 * 1024;
    static final int MAX_EXTENSIONS = 256;
    private static final String EXTENSIONS_INDEX = "META-INF/extensions.idx";

    private JarInspector() {}

    static JarContents inspect(Path jar) throws PluginLoadException {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            List<String> classes = new ArrayList<>();
            long total = 0;
            int count = 0;
            for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
                ZipEntry entry = e.nextElement();
                if (++count > MAX_ENTRIES) {
                    throw refused("more than " + MAX_ENTRIES + " entries");
                }
                if (entry.getSize() > MAX_ENTRY_BYTES) {
                    throw refused("entry " + entry.getName() + " is larger than " + MAX_ENTRY_BYTES + " bytes");
                }
                total += Math.max(0, entry.getSize());
                if (total > MAX_TOTAL_BYTES) {
                    throw refused("its entries hold more than " + MAX_TOTAL_BYTES + " bytes");
                }
                String name = entry.getName();
                if (name.endsWith(".class") && !name.startsWith("META-INF/") && !name.endsWith("module-info.class")) {
                    classes.add(name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
            ZipEntry manifestEntry = zip.getEntry(JarFile.MANIFEST_NAME);
            if (manifestEntry == null) {
                throw refused("not a plugin jar: no " + JarFile.MANIFEST_NAME);
            }
            Attributes main = new Manifest(new ByteArrayInputStream(read(zip, manifestEntry))).getMainAttributes();
            ZipEntry properties = zip.getEntry("plugin.properties");
            if (properties != null) {
                read(zip, properties);
            }
            List<String> extensions = extensions(zip);
            String pluginClass = main.getValue("Plugin-Class");
            Set<String> own = new LinkedHashSet<>();
            if (pluginClass != null) {
                own.add(packageOf(pluginClass.strip()));
            }
            extensions.forEach(x -> own.add(packageOf(x)));
            String id = main.getValue("Plugin-Id");
            return new JarContents(id == null ? null : id.strip(), main.getValue("Plugin-Version"), classes,
                    List.copyOf(own));
        } catch (IOException e) {
            throw new PluginLoadException(null, null, "not a plugin jar: " + e.getMessage(), e);
        }
    }

    private static List<String> extensions(ZipFile zip) throws IOException, PluginLoadException {
        ZipEntry index = zip.getEntry(EXTENSIONS_INDEX);
        if (index == null) {
            return List.of();
        }
        List<String> names = new ArrayList<>();
        for (String line : new String(read(zip, index), StandardCharsets.UTF_8).split("\n")) {
            String name = line.strip();
            if (name.isEmpty() || name.startsWith("#")) {
                continue;
            }
            if (names.size() == MAX_EXTENSIONS) {
                throw refused(EXTENSIONS_INDEX + " lists more than " + MAX_EXTENSIONS + " extensions");
            }
            names.add(name);
        }
        return names;
    }

    /** An entry's bytes, refused past {@link #MAX_DESCRIPTOR_BYTES} whatever size the entry claims. */
    private static byte[] read(ZipFile zip, ZipEntry entry) throws IOException, PluginLoadException {
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] bytes = in.readNBytes(MAX_DESCRIPTOR_BYTES + 1);
            if (bytes.length > MAX_DESCRIPTOR_BYTES) {
                throw refused(entry.getName() + " is larger than " + MAX_DESCRIPTOR_BYTES + " bytes");
            }
            return bytes;
        }
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    private static PluginLoadException refused(String why) {
        return new PluginLoadException(null, null, why, null);
    }
}
