package io.modelbridge.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** How much of one class the gateway's live heap gained per stream while the slow streams were open. */
record ClassGrowth(String className, double instancesPerStream, double bytesPerStream) {

    /** The classes that grew most (by bytes) between two histograms, per stream. */
    static List<ClassGrowth> top(Map<String, long[]> before, Map<String, long[]> during, int streams, int n) {
        List<ClassGrowth> growth = new ArrayList<>();
        if (streams == 0) {
            return growth;
        }
        during.forEach((name, now) -> {
            long[] then = before.getOrDefault(name, new long[2]);
            long bytes = now[1] - then[1];
            if (bytes > 0) {
                growth.add(new ClassGrowth(name, (now[0] - then[0]) / (double) streams, bytes / (double) streams));
            }
        });
        growth.sort((a, b) -> Double.compare(b.bytesPerStream(), a.bytesPerStream()));
        return List.copyOf(growth.subList(0, Math.min(n, growth.size())));
    }
}
