package io.modelbridge.testkit.bench;

import java.io.IOException;
import java.util.List;

/** One load worker's counts and latencies; merged into a {@link RequestResult} when the phase ends. */
final class Tally {
    final Samples latencies = new Samples();
    long ok;
    long errors;
    String firstError;

    void error(String what) {
        errors++;
        if (firstError == null) {
            firstError = what;
        }
    }

    void error(IOException e) {
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

    static RequestResult merge(String target, List<Tally> tallies, double seconds) {
        Samples all = new Samples();
        long ok = 0;
        long errors = 0;
        String first = null;
        for (Tally t : tallies) {
            all.addAll(t.latencies);
            ok += t.ok;
            errors += t.errors;
            first = first == null ? t.firstError : first;
        }
        return new RequestResult(target, ok, errors, seconds, all.sorted(), first);
    }
}
