package io.modelbridge.compat;

/** Where an upstream's stream carries token usage, and so when the parser reports it. */
public enum UsagePlacement {
    /** On a chunk of its own (OpenAI's {@code stream_options.include_usage}): reported as soon as it is read. */
    AS_SENT,
    /**
     * On several chunks (the finish chunk and a trailing {@code choices: []} one, or cumulative on every chunk): the
     * last one read is reported once, when the stream ends.
     */
    LAST_AT_END
}
