package io.modelbridge.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Looks at another local process without JMX: its Java heap through {@code jcmd} (after a full GC, so "used" is
 * what is live), its memory and file descriptors through {@code /proc}.
 */
final class ProcessProbe {
    /** G1's one line for the whole heap. */
    private static final Pattern HEAP = Pattern.compile("committed (\\d+)K, used (\\d+)K");
    /** The serial and parallel collectors' line per generation ("DefNew  total 116224K, used 105K [..."). */
    private static final Pattern GENERATION =
            Pattern.compile("^\\S+\\s+total (\\d+)K, used (\\d+)K", Pattern.MULTILINE);
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final Path JCMD = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    /** Heap bytes in use and committed. */
    record HeapUse(long usedBytes, long committedBytes) {}

    private ProcessProbe() {}

    /** Runs a full GC in the process ({@code GC.run}), then reads {@code GC.heap_info}. */
    static HeapUse heapAfterFullGc(long pid) {
        jcmd(pid, "GC.run");
        return heapUse(jcmd(pid, "GC.heap_info"));
    }

    /** The heap's use in {@code GC.heap_info}'s words: G1's whole-heap line, or the sum of the generations' lines. */
    static HeapUse heapUse(String info) {
        Matcher m = HEAP.matcher(info);
        if (m.find()) {
            return new HeapUse(Long.parseLong(m.group(2)) * 1024, Long.parseLong(m.group(1)) * 1024);
        }
        long used = 0;
        long committed = 0;
        Matcher generation = GENERATION.matcher(info);
        boolean found = false;
        while (generation.find()) {
            found = true;
            committed += Long.parseLong(generation.group(1)) * 1024;
            used += Long.parseLong(generation.group(2)) * 1024;
        }
        if (!found) {
            throw new IllegalStateException("unexpected GC.heap_info output: " + info);
        }
        return new HeapUse(used, committed);
    }

    /**
     * Live objects per class ({@code GC.class_histogram}, which collects first): class name to
     * {instances, bytes}.
     */
    static Map<String, long[]> classHistogram(long pid) {
        Map<String, long[]> classes = new HashMap<>();
        for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
            Matcher m = HISTOGRAM_ROW.matcher(line);
            if (m.find()) {
                classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
        }
        return classes;
    }

    /**
     * Ends the process's flight recording {@code name} and writes it to a file: what runs after it (the wrk part) is
     * measured without the recorder's cost, as nginx is.
     */
    static void stopFlightRecording(long pid, String name, Path file) {
        jcmd(pid, "JFR.stop", "name=" + name, "filename=" + file.toAbsolutePath());
    }

    static long residentBytes(long pid) {
        return statusKb(pid, "VmRSS:") * 1024;
    }

    /** The soft limit on open files of the process. */
    static long maxOpenFiles(long pid) {
        return openFileLimit(pid, 0);
    }

    /** The hard limit on open files of the process: the most its soft limit can be raised to without privilege. */
    static long maxOpenFilesHard(long pid) {
        return openFileLimit(pid, 1);
    }

    private static long openFileLimit(long pid, int column) {
        for (String line : lines(Path.of("/proc/" + pid + "/limits"))) {
            if (line.startsWith("Max open files")) {
                String value = line.substring("Max open files".length()).trim().split("\\s+")[column];
                return value.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(value);
            }
        }
        throw new IllegalStateException("no open-file limit for process " + pid);
    }

    /** Whether this process may raise hard resource limits (CAP_SYS_RESOURCE, bit 24, in its effective set). */
    static boolean maySetHardLimits() {
        for (String line : lines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return (Long.parseUnsignedLong(line.substring("CapEff:".length()).trim(), 16) & (1L << 24)) != 0;
            }
        }
        return false;
    }

    static long openFiles(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long statusKb(long pid, String field) {
        for (String line : lines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field)) {
                return Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]);
            }
        }
        return 0;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String jcmd(long pid, String... command) {
        List<String> argv = Stream.concat(Stream.of(JCMD.toString(), Long.toString(pid)), Stream.of(command)).toList();
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", argv) + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running jcmd", e);
        }
    }
}
