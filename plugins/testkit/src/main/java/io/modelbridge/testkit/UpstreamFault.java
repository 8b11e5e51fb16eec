package io.modelbridge.testkit;

import java.time.Duration;

/**
 * The failure classes every vendor simulator can be told to produce, in the vendor's own words. The
 * {@link AdapterContractTest} names faults by class; each simulator decides what they look like on its wire.
 * Error answers apply to the next request only; stream faults stay until the simulator is reset.
 */
public sealed interface UpstreamFault {

    /** The next request is rate limited; the vendor asks to wait {@code retryAfter}. */
    record RateLimited(Duration retryAfter) implements UpstreamFault {}

    /** The next request fails because the account has no quota or balance left. */
    record QuotaExhausted() implements UpstreamFault {}

    /** The next request is refused as invalid, with this vendor message. */
    record BadRequest(String message) implements UpstreamFault {}

    /** The next request is refused because the prompt exceeds the model's context. */
    record ContextTooLong() implements UpstreamFault {}

    /** The next request fails with this 5xx status (500 server error, 503 overloaded). */
    record ServerError(int status) implements UpstreamFault {}

    /** Every request waits this long before sending the status line and headers. */
    record HangBeforeHeaders(Duration delay) implements UpstreamFault {}

    /** Streams wait this long before each event. */
    record SlowStream(Duration delayPerEvent) implements UpstreamFault {}

    /** Streams drop the TCP connection after this many events, without a terminator. */
    record DropStreamAfter(int events) implements UpstreamFault {}

    /** Streams send the vendor's in-stream error after this many events, then end. */
    record ErrorEventAfter(int events) implements UpstreamFault {}
}
