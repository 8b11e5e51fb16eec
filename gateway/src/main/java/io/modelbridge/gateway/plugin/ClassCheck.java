package io.modelbridge.gateway.plugin;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Checks, before a new plugin version gets any traffic, that its own code (the classes in the packages of its
 * Plugin-Class and extensions, and their sub-packages) loads and links, and that every class that code refers to
 * can be loaded by the plugin's class loader. A jar missing a class it needs is refused at load instead of failing
 * each request. Classes are loaded, never initialised: no plugin code runs here.
 */
final class ClassCheck {
    private ClassCheck() {}

    static void verify(JarContents contents, ClassLoader loader) throws PluginLoadException {
        for (String name : contents.classes()) {
            if (!isOwn(name, contents)) {
                continue;
            }
            try {
                Class<?> c = Class.forName(name, false, loader);
                // Reflection links the class (verification) and resolves the types in its signatures.
                c.getDeclaredMethods();
                c.getDeclaredFields();
                c.getDeclaredConstructors();
                for (String referenced : references(loader, name)) {
                    Class.forName(referenced, false, loader);
                }
            } catch (ClassNotFoundException | LinkageError | TypeNotPresentException e) {
                throw new PluginLoadException(contents.pluginId(), contents.version(), "class " + name
                        + " does not load or link: " + e + " (a class or library missing from the jar?)", e);
            }
        }
    }

    private static boolean isOwn(String className, JarContents contents) {
        return contents.ownPackages().stream().anyMatch(p -> p.isEmpty() ? className.indexOf('.') < 0
                : className.startsWith(p + "."));
    }

    /** The classes named in a class file's constant pool (arrays by their element class). */
    static Set<String> references(ClassLoader loader, String className) throws ClassNotFoundException {
        try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
            if (in == null) {
                throw new ClassNotFoundException(className);
            }
            return classNames(in.readNBytes((int) JarInspector.MAX_ENTRY_BYTES));
        } catch (IOException e) {
            throw new ClassNotFoundException(className + ": " + e.getMessage(), e);
        }
    }

    private static Set<String> classNames(byte[] classFile) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(classFile));
        if (in.readInt() != 0xCAFEBABE) {
            throw new IOException("not a class file");
        }
        in.readUnsignedShort();
        in.readUnsignedShort();
        int count = in.readUnsignedShort();
        String[] utf8 = new String[count];
        int[] classIndex = new int[count];
        for (int i = 1; i < count; i++) {
            int tag = in.readUnsignedByte();
            switch (tag) {
                case 1 -> utf8[i] = in.readUTF();
                case 7 -> classIndex[i] = in.readUnsignedShort();
                case 8, 16, 19, 20 -> in.readUnsignedShort();
                case 15 -> in.skipBytes(3);
                case 3, 4, 9, 10, 11, 12, 17, 18 -> in.readInt();
                case 5, 6 -> {
                    in.readLong();
                    i++;
                }
                default -> throw new IOException("unknown constant pool tag " + tag);
            }
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 1; i < count; i++) {
            if (classIndex[i] != 0 && utf8[classIndex[i]] != null) {
                String name = utf8[classIndex[i]];
                if (name.startsWith("[")) {
                    int l = name.indexOf('L');
                    if (l < 0) {
                        continue; // an array of primitives
                    }
                    name = name.substring(l + 1, name.length() - 1);
                }
                names.add(name.replace('/', '.'));
            }
        }
        return names;
    }
}
