package io.modelbridge.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The machine the run happened on, and how busy it was. */
final class Machine {
    private Machine() {}

    static Map<String, Object> describe(BenchOptions o) {
        return Json.obj(
                "cpus", Runtime.getRuntime().availableProcessors(),
                "cpu_model", firstValue(Path.of("/proc/cpuinfo"), "model name"),
                "memory_gib", Math.round(kb(firstValue(Path.of("/proc/meminfo"), "MemTotal")) / 1024.0 / 1024.0 * 10) / 10.0,
                "kernel", System.getProperty("os.name") + " " + System.getProperty("os.version"),
                "java", System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"),
                "nginx", o.nginxVersion(),
                "commit", o.commit());
    }

    /** The 1, 5 and 15 minute load averages, as {@code uptime} prints them. */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String firstValue(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (String line : lines) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux, or hidden
        }
        return "unknown";
    }

    private static long kb(String value) {
        try {
            return Long.parseLong(value.split("\\s+")[0]);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
