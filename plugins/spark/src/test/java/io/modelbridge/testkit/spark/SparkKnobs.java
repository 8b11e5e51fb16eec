package io.modelbridge.testkit.spark;

import java.time.Clock;
import java.time.Duration;

/** The Spark-only run-time settings (the shared ones live in SimulatorKnobs); cleared by {@link #reset()}. */
final class SparkKnobs {
    static final Duration DEFAULT_SKEW = Duration.ofSeconds(300);
    static final int DEFAULT_MID_STREAM_CODE = 10012;
    static final String DEFAULT_MID_STREAM_MESSAGE = "EngineInternalError: 引擎内部错误";

    private volatile Clock clock = Clock.systemUTC();
    private volatile Duration allowedSkew = DEFAULT_SKEW;
    private volatile int midStreamCode = DEFAULT_MID_STREAM_CODE;
    private volatile String midStreamMessage = DEFAULT_MID_STREAM_MESSAGE;

    Clock clock() {
        return clock;
    }

    void clock(Clock clock) {
        this.clock = clock;
    }

    Duration allowedSkew() {
        return allowedSkew;
    }

    void allowedSkew(Duration skew) {
        allowedSkew = skew;
    }

    int midStreamCode() {
        return midStreamCode;
    }

    String midStreamMessage() {
        return midStreamMessage;
    }

    void midStreamError(int code, String message) {
        midStreamCode = code;
        midStreamMessage = message;
    }

    void reset() {
        clock = Clock.systemUTC();
        allowedSkew = DEFAULT_SKEW;
        midStreamCode = DEFAULT_MID_STREAM_CODE;
        midStreamMessage = DEFAULT_MID_STREAM_MESSAGE;
    }
}
