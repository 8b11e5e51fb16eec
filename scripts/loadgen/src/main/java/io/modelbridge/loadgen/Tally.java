package io.modelbridge.loadgen;

import java.util.List;
import org.HdrHistogram.Histogram;

/** One load worker's counts and latencies; merged into a {@link RequestResult} when the phase ends. */
final class Tally {
    final Histogram latencies = LatencyStats.histogram();
    long ok;
    long errors;
    String firstError;

    void error(String what) {
        errors++;
        if (firstError == null) {
            firstError = what;
        }
    }

    void error(Exception e) {
        error(e.getClass().getSimpleName() + ": " + e.getMessage());
        pauseAfterFailure();
    }

    /** A dead target must not turn the worker into a busy loop. */
    static void pauseAfterFailure() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The counts and the first error of several tallies (not their latencies). */
    static Tally mergeCounts(List<Tally> tallies) {
        Tally all = new Tally();
        for (Tally t : tallies) {
            all.ok += t.ok;
            all.errors += t.errors;
            all.firstError = all.firstError == null ? t.firstError : all.firstError;
        }
        return all;
    }

    static RequestResult merge(String target, List<Tally> tallies, double seconds) {
        Tally counts = mergeCounts(tallies);
        return new RequestResult(target, counts.ok, counts.errors, seconds,
                LatencyStats.merge(tallies.stream().map(t -> t.latencies).toList()), counts.firstError);
    }
}
