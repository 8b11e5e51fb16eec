package io.modelbridge.loadgen;

/** What every phase result tells the run: which path, and how many requests it sent there. */
interface PhaseResult {
    String target();

    /** Requests sent (answered or failed). */
    long attempts();
}
