package io.modelbridge.loadgen;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Summarises a flight recording of the gateway, one section per benchmark phase: where its CPU samples were
 * (by component, counting a sample for every component on its stack, and by hottest method) and its GC pauses.
 * Usable alone: {@code JfrSummary recording.jfr} summarises the whole recording.
 */
public final class JfrSummary {
    private static final Map<String, List<String>> COMPONENTS = components();

    /** A phase of the run, by wall-clock time; windows with the same name (rounds of a phase) share a section. */
    record Window(String name, Instant start, Instant end) {
        boolean contains(Instant t) {
            return !t.isBefore(start) && t.isBefore(end);
        }
    }

    private static final class Section {
        int samples;
        final Map<String, Integer> components = new HashMap<>();
        final Map<String, Integer> methods = new HashMap<>();
        int gcs;
        Duration pauses = Duration.ZERO;
        Duration longestPause = Duration.ZERO;
    }

    private JfrSummary() {}

    public static void main(String[] args) throws IOException {
        System.out.println(markdown(Path.of(args[0]), List.of(new Window("whole recording", Instant.MIN, Instant.MAX))));
    }

    static String markdown(Path recording, List<Window> windows) throws IOException {
        Map<String, Section> sections = new LinkedHashMap<>();
        windows.forEach(w -> sections.putIfAbsent(w.name(), new Section()));
        try (RecordingFile file = new RecordingFile(recording)) {
            while (file.hasMoreEvents()) {
                RecordedEvent e = file.readEvent();
                for (Window w : windows) {
                    if (w.contains(e.getStartTime())) {
                        add(sections.get(w.name()), e);
                    }
                }
            }
        }
        StringBuilder md = new StringBuilder();
        sections.forEach((w, s) -> section(md, w, s));
        return md.toString();
    }

    private static void add(Section s, RecordedEvent e) {
        switch (e.getEventType().getName()) {
            case "jdk.ExecutionSample" -> sample(s, e);
            case "jdk.GarbageCollection" -> {
                Duration pause = e.getDuration("sumOfPauses");
                s.gcs++;
                s.pauses = s.pauses.plus(pause);
                s.longestPause = pause.compareTo(s.longestPause) > 0 ? pause : s.longestPause;
            }
            default -> { }
        }
    }

    private static void sample(Section s, RecordedEvent e) {
        if (e.getStackTrace() == null || e.getStackTrace().getFrames().isEmpty()) {
            return;
        }
        List<RecordedFrame> frames = e.getStackTrace().getFrames();
        s.samples++;
        s.methods.merge(name(frames.get(0)), 1, Integer::sum);
        Set<String> seen = new HashSet<>();
        for (RecordedFrame f : frames) {
            String type = f.getMethod().getType().getName();
            COMPONENTS.forEach((component, prefixes) -> {
                if (prefixes.stream().anyMatch(type::startsWith) && seen.add(component)) {
                    s.components.merge(component, 1, Integer::sum);
                }
            });
        }
    }

    private static void section(StringBuilder md, String name, Section s) {
        md.append("### ").append(name).append("\n\n");
        md.append(s.samples).append(" CPU samples of the gateway's Java threads; GC: ").append(s.gcs)
                .append(" collections, ").append(s.pauses.toMillis()).append(" ms paused in total, longest ")
                .append(s.longestPause.toMillis()).append(" ms.\n\n");
        if (s.samples == 0) {
            return;
        }
        md.append("| component (on the stack) | share of samples |\n|---|---:|\n");
        top(s.components, 20).forEach(c -> md.append("| ").append(c.getKey()).append(" | ")
                .append(percent(c.getValue(), s.samples)).append(" |\n"));
        md.append("\n| hottest methods (top frame) | share of samples |\n|---|---:|\n");
        top(s.methods, 12).forEach(m -> md.append("| `").append(m.getKey()).append("` | ")
                .append(percent(m.getValue(), s.samples)).append(" |\n"));
        md.append('\n');
    }

    private static List<Map.Entry<String, Integer>> top(Map<String, Integer> counts, int n) {
        List<Map.Entry<String, Integer>> list = new ArrayList<>(counts.entrySet());
        list.sort(Map.Entry.<String, Integer>comparingByValue().reversed());
        return list.subList(0, Math.min(n, list.size()));
    }

    private static String percent(int part, int whole) {
        return String.format(java.util.Locale.ROOT, "%.1f %%", 100.0 * part / whole);
    }

    private static String name(RecordedFrame f) {
        String type = f.getMethod().getType().getName();
        return type.substring(type.lastIndexOf('.') + 1) + "." + f.getMethod().getName();
    }

    private static Map<String, List<String>> components() {
        Map<String, List<String>> c = new LinkedHashMap<>();
        c.put("client-facing HTTP server (Helidon webserver)", List.of("io.helidon.webserver."));
        c.put("upstream HTTP client (Helidon webclient)", List.of("io.helidon.webclient."));
        c.put("socket I/O (JDK)", List.of("sun.nio.ch.", "java.net.Socket", "sun.nio.cs."));
        c.put("JSON (Jackson)", List.of("com.fasterxml.jackson."));
        c.put("database (jOOQ, JDBC, Hikari)", List.of("org.jooq.", "org.postgresql.", "com.zaxxer."));
        c.put("gateway: HTTP handlers (io.modelbridge.gateway.http)", List.of("io.modelbridge.gateway.http."));
        c.put("gateway: auth", List.of("io.modelbridge.gateway.auth."));
        c.put("gateway: rate limits", List.of("io.modelbridge.gateway.limits.", "io.github.bucket4j."));
        c.put("gateway: quota", List.of("io.modelbridge.gateway.quota."));
        c.put("gateway: usage logging", List.of("io.modelbridge.gateway.usage."));
        c.put("gateway: routing and failover", List.of("io.modelbridge.gateway.routing.", "io.modelbridge.gateway.pipeline."));
        c.put("openai plugin (codec, stream parser)", List.of("io.modelbridge.provider."));
        c.put("logging", List.of("org.slf4j.", "java.util.logging.", "ch.qos."));
        c.put("crypto, random (ids, key hashing)", List.of("sun.security.", "java.security.", "javax.crypto."));
        c.put("virtual-thread scheduling (ForkJoinPool, continuations)", List.of("java.util.concurrent.ForkJoin",
                "jdk.internal.vm.Continuation", "java.lang.VirtualThread"));
        return c;
    }
}
