package io.modelbridge.gateway.it;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A file system of a few MiB of its own (a tmpfs mounted on a folder), for tests of a full disk. Only root with
 * CAP_SYS_ADMIN may mount one: elsewhere {@link #mount} skips the test. Closing unmounts it.
 */
public final class SmallDisk implements AutoCloseable {
    private final Path folder;

    private SmallDisk(Path folder) {
        this.folder = folder;
    }

    /** Mounts a tmpfs of {@code size} (as mount takes it: 1m, 100m) on the folder, made if missing. */
    public static SmallDisk mount(Path folder, String size) throws Exception {
        Files.createDirectories(folder);
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", folder.toString()),
                "mounting a tmpfs needs root (with CAP_SYS_ADMIN)");
        return new SmallDisk(folder);
    }

    public Path folder() {
        return folder;
    }

    /** Writes a file until the disk is full; delete it to make room again. */
    public Path fill() throws IOException {
        Path filler = folder.resolve("filler");
        byte[] block = new byte[4096];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            return filler;
        }
    }

    @Override
    public void close() throws Exception {
        assertTrue(run("umount", folder.toString()), "unmounting " + folder);
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
