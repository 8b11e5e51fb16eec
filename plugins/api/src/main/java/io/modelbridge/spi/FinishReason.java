package io.modelbridge.spi;

/** OpenAI's finish reasons; every vendor's reasons are mapped onto these. */
public enum FinishReason {
    STOP("stop"), LENGTH("length"), TOOL_CALLS("tool_calls"), CONTENT_FILTER("content_filter"),
    FUNCTION_CALL("function_call");

    private final String wire;

    FinishReason(String wire) {
        this.wire = wire;
    }

    /** The value OpenAI puts in {@code finish_reason}. */
    public String wire() {
        return wire;
    }

    /** The reason for an OpenAI wire value; unknown values count as {@code stop}. */
    public static FinishReason fromWire(String value) {
        for (FinishReason r : values()) {
            if (r.wire.equals(value)) {
                return r;
            }
        }
        return STOP;
    }
}
