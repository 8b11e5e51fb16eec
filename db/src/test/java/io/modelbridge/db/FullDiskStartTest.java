package io.modelbridge.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first start on a disk too small for a new database failed with "Process [unshare, -U, .../initdb, ...] failed"
 * and nothing else: initdb's "No space left on device" goes to zonky's logger, which the gateway keeps at WARNING.
 * Needs a small file system of its own: a tmpfs, which only root may mount; skipped elsewhere.
 */
class FullDiskStartTest {

    @Test
    void aStartOnAFullDiskSaysSoAndAStartWithRoomServes(@TempDir Path dir) throws Exception {
        Path disk = Files.createDirectories(dir.resolve("disk"));
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", disk.toString()),
                "mounting a tmpfs needs root (with CAP_SYS_ADMIN)");
        try {
            Path data = disk.resolve("data");
            RuntimeException failed = assertThrows(RuntimeException.class,
                    () -> Database.start(DbSettings.embedded(data)).close());
            String message = failed.getMessage();
            assertTrue(message.contains("MiB free on the disk holding " + data.resolve("pg")), message);

            assertTrue(run("mount", "-o", "remount,size=200m", disk.toString()), "growing " + disk);
            try (Database db = Database.start(DbSettings.embedded(data));
                 Connection c = db.openDedicatedConnection(); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT count(*) FROM usage_log")) {
                assertTrue(r.next());
                assertEquals(0, r.getInt(1));
            }
        } finally {
            assertTrue(run("umount", disk.toString()), "unmounting " + disk);
        }
    }

    private static boolean run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }
}
