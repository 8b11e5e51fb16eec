package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generated secrets are written whole, never replace one another, and an empty file (a crash) is replaced. */
class SecretFileTest {

    @Test
    void aNewSecretIsWrittenWholeForItsOwnerOnlyWithNothingLeftBeside(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("secrets/master-key");
        assertEquals("s3cret", SecretFile.create(file, "s3cret"));
        assertEquals("s3cret\n", Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList(), "no temporary file left");
        }
    }

    @Test
    void anEmptyFileACrashLeftIsReplacedAndAWrittenOneIsKept(@TempDir Path dir) throws Exception {
        Path file = Files.createFile(dir.resolve("gateway"));
        assertEquals(Optional.empty(), SecretFile.read(file));
        assertEquals("new", SecretFile.create(file, "new"));
        assertEquals("new", SecretFile.create(file, "newer"), "a written secret is never replaced");
        assertEquals(Optional.of("new"), SecretFile.read(file));
    }

    @Test
    void startsRacingToWriteOneAllGetTheSameSecret(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("admin-token");
        try (ExecutorService starts = Executors.newFixedThreadPool(8)) {
            List<Callable<String>> racers = IntStream.range(0, 8)
                    .<Callable<String>>mapToObj(i -> () -> SecretFile.create(file, "token-" + i)).toList();
            List<String> got = starts.invokeAll(racers).stream().map(SecretFileTest::get).distinct().toList();
            assertEquals(List.of(Files.readString(file).strip()), got);
        }
    }

    private static String get(Future<String> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
