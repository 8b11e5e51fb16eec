package io.modelbridge.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's CPU time by kind of thread, from {@code /proc/<pid>/task/*}: request handling (the carrier
 * threads of the virtual threads), JIT compilation, garbage collection, the usage writer, the threads that time
 * calls, reads and pings out, the flight recorder, the rest. Tells apart the cost of the request path from the cost of a JVM still warming up or collecting.
 */
final class ThreadCpu {
    static final String JIT = "JIT compiler";
    static final String SWEEPERS = "timeouts, watchdog, pings (sweepers)";
    private static final double TICKS_PER_SECOND = 100;
    private static final Map<String, String> KINDS = kinds();

    private ThreadCpu() {}

    /** Ticks {user, system} per kind of thread, now. */
    static Map<String, long[]> snapshot(long pid) {
        Map<String, long[]> ticks = new LinkedHashMap<>();
        KINDS.values().forEach(kind -> ticks.putIfAbsent(kind, new long[2]));
        ticks.put("other threads", new long[2]);
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks) {
                add(task, ticks);
            }
        } catch (IOException e) {
            // the process is gone: nothing to count
        }
        return ticks;
    }

    /** Adds the ticks between two snapshots into {@code sum}. */
    static void accumulate(Map<String, long[]> before, Map<String, long[]> after, Map<String, long[]> sum) {
        after.forEach((kind, t) -> {
            long[] b = before.getOrDefault(kind, new long[2]);
            long[] s = sum.computeIfAbsent(kind, k -> new long[2]);
            s[0] += Math.max(0, t[0] - b[0]);
            s[1] += Math.max(0, t[1] - b[1]);
        });
    }

    /** CPU seconds of a kind of thread, from ticks. */
    static double seconds(long[] ticks) {
        return (ticks[0] + ticks[1]) / TICKS_PER_SECOND;
    }

    private static void add(Path task, Map<String, long[]> ticks) {
        try {
            String stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
            String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long[] t = ticks.get(kindOf(name));
            t[0] += Long.parseLong(f[11]);
            t[1] += Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            // the thread ended while we looked
        }
    }

    private static String kindOf(String threadName) {
        for (Map.Entry<String, String> e : KINDS.entrySet()) {
            if (threadName.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return "other threads";
    }

    private static Map<String, String> kinds() {
        Map<String, String> k = new LinkedHashMap<>();
        k.put("ForkJoinPool", "request handling (virtual-thread carriers)");
        k.put("usage-writer", "usage writer");
        // the SweptSet threads; Linux keeps the first 15 characters of a thread's name
        for (String sweeper : new String[] {"call-watchdog", "upstream-read-t", "stream-pings", "client-read-dea"}) {
            k.put(sweeper, SWEEPERS);
        }
        k.put("C2 Compiler", JIT);
        k.put("C1 Compiler", JIT);
        k.put("GC Thread", "garbage collector, VM thread");
        k.put("G1 ", "garbage collector, VM thread");
        k.put("VM Thread", "garbage collector, VM thread");
        k.put("JFR", "flight recorder");
        return k;
    }
}
