package io.modelbridge.gateway.plugin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;

/** A jar as a scan saw it (the file key changes when a jar is replaced by a rename), and since when. */
record JarSeen(Object fileKey, long size, long modifiedMillis, long sinceNanos) {
    static JarSeen of(BasicFileAttributes a) {
        return new JarSeen(a.fileKey(), a.size(), a.lastModifiedTime().toMillis(), System.nanoTime());
    }

    static JarSeen of(Path jar) throws IOException {
        return of(Files.readAttributes(jar, BasicFileAttributes.class));
    }

    boolean sameFile(JarSeen other) {
        return other != null && Objects.equals(fileKey, other.fileKey) && size == other.size
                && modifiedMillis == other.modifiedMillis;
    }

    boolean olderThan(Duration age) {
        return System.nanoTime() - sinceNanos > age.toNanos();
    }
}
