package io.modelbridge.loadgen;

import java.util.List;

/**
 * Long-lived slow streams held open at once through the gateway.
 *
 * @param target     streams the issue asks for (10,000; fewer in a quick run)
 * @param requested  streams the run tried to hold (the target, or less when the open-file limit forbids it)
 * @param cap        why fewer than the target were tried, or empty
 * @param opened     streams that got their first chunk
 * @param alive      streams that were still open and had received a further chunk when the hold ended
 * @param failed     streams that failed to open or ended before the client closed them
 * @param heapBefore gateway heap used after a full GC before the streams
 * @param heapDuring gateway heap used after a full GC with all the streams open
 * @param growth     the classes whose live instances grew most with the streams open, per stream
 */
record SlowResult(int target, int requested, String cap, int opened, int alive, int failed, double rampSeconds,
                  long heapBefore, long heapDuring, long heapCommitted, long rssDuring, List<ClassGrowth> growth,
                  String firstError) {
    /** Heap the streams added, per 1,000 streams. */
    double heapPerThousandBytes() {
        return opened == 0 ? 0 : (heapDuring - heapBefore) * 1000.0 / opened;
    }
}
