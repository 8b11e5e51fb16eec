package io.modelbridge.loadgen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time used by each part of the benchmark (and by everything else on the machine) between two snapshots,
 * from {@code /proc}: a group is a root process (by pid, or by a marker in its command line) and all its
 * descendants. Shows where the two cores went in a phase, which matters on a shared machine.
 */
final class CpuMeter {
    private static final double TICKS_PER_SECOND = 100; // USER_HZ on Linux
    private final List<Group> groups;

    /** A process group: {@code pid} (0 = none) or a command-line {@code marker} (empty = none) picks the roots. */
    record Group(String name, long pid, String marker) {}

    /** Accumulated ticks per group, of the whole machine (busy) and the wall time. */
    record Snapshot(Map<String, Long> ticks, long machineBusyTicks, long nanos) {}

    CpuMeter(List<Group> groups) {
        this.groups = List.copyOf(groups);
    }

    Snapshot snapshot() {
        Map<Long, long[]> procs = new HashMap<>(); // pid -> {ppid, ticks}
        Map<Long, String> cmdlines = new HashMap<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path dir : dirs) {
                readProcess(dir, procs, cmdlines);
            }
        } catch (IOException e) {
            return new Snapshot(Map.of(), 0, System.nanoTime());
        }
        Map<String, Long> ticks = new LinkedHashMap<>();
        for (Group g : groups) {
            ticks.put(g.name(), 0L);
        }
        for (Map.Entry<Long, long[]> e : procs.entrySet()) {
            String group = groupOf(e.getKey(), procs, cmdlines);
            if (group != null) {
                ticks.merge(group, e.getValue()[1], Long::sum);
            }
        }
        return new Snapshot(ticks, machineBusy(), System.nanoTime());
    }

    /** CPU ticks per group, of the whole machine and the wall time between two snapshots; adds up over rounds. */
    record Usage(Map<String, Long> ticks, long machineBusyTicks, long nanos) {
        static Usage between(Snapshot a, Snapshot b) {
            Map<String, Long> used = new LinkedHashMap<>();
            b.ticks().forEach((group, t) -> used.put(group, Math.max(0, t - a.ticks().getOrDefault(group, 0L))));
            return new Usage(used, b.machineBusyTicks() - a.machineBusyTicks(), b.nanos() - a.nanos());
        }

        Usage plus(Usage other) {
            Map<String, Long> sum = new LinkedHashMap<>(ticks);
            other.ticks().forEach((group, t) -> sum.merge(group, t, Long::sum));
            return new Usage(sum, machineBusyTicks + other.machineBusyTicks, nanos + other.nanos);
        }

        /** Cores used per group, plus {@code other} (the rest of the machine) and {@code machine} (the total). */
        Map<String, Double> cores() {
            double seconds = nanos / 1e9;
            Map<String, Double> cores = new LinkedHashMap<>();
            long ours = 0;
            for (Map.Entry<String, Long> e : ticks.entrySet()) {
                ours += e.getValue();
                cores.put(e.getKey(), round(e.getValue() / TICKS_PER_SECOND / seconds));
            }
            cores.put("other", round(Math.max(0, machineBusyTicks - ours) / TICKS_PER_SECOND / seconds));
            cores.put("machine", round(machineBusyTicks / TICKS_PER_SECOND / seconds));
            return cores;
        }
    }

    private String groupOf(long pid, Map<Long, long[]> procs, Map<Long, String> cmdlines) {
        for (long p = pid, hops = 0; p > 1 && hops < 64; hops++) {
            for (Group g : groups) {
                if (g.pid() == p || (!g.marker().isEmpty() && cmdlines.getOrDefault(p, "").contains(g.marker()))) {
                    return g.name();
                }
            }
            long[] info = procs.get(p);
            if (info == null) {
                return null;
            }
            p = info[0];
        }
        return null;
    }

    private static void readProcess(Path dir, Map<Long, long[]> procs, Map<Long, String> cmdlines) {
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long pid = Long.parseLong(dir.getFileName().toString());
            procs.put(pid, new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12])});
            cmdlines.put(pid, Files.readString(dir.resolve("cmdline"), StandardCharsets.ISO_8859_1).replace('\0', ' '));
        } catch (IOException | RuntimeException e) {
            // the process ended while we looked
        }
    }

    private static long machineBusy() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy;
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
