package io.modelbridge.loadgen;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The heap probe reads a real JVM's heap under each collector the gateway may run with. */
class ProcessProbeTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"-XX:+UseG1GC", "-XX:+UseSerialGC", "-XX:+UseParallelGC"})
    void theHeapInUseIsReadWhicheverTheCollector(String collector) throws Exception {
        Path holder = Files.writeString(dir.resolve("Holder.java"), """
                public class Holder {
                    static byte[] kept = new byte[8 << 20];
                    public static void main(String[] args) throws Exception {
                        System.out.println("up");
                        Thread.sleep(60_000);
                    }
                }
                """);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process process = new ProcessBuilder(java.toString(), collector, "-Xmx256m", holder.toString())
                .redirectErrorStream(true).start();
        try {
            process.getInputStream().read(); // "up": the JVM runs and can be attached to
            ProcessProbe.HeapUse heap = ProcessProbe.heapAfterFullGc(process.pid());
            assertTrue(heap.usedBytes() >= 8 << 20, collector + ": the 8 MiB array is live: " + heap);
            assertTrue(heap.committedBytes() >= heap.usedBytes(), collector + ": " + heap);
        } finally {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
