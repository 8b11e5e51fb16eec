package io.modelbridge.compat;

import io.modelbridge.spi.FinishReason;
import java.util.Objects;
import java.util.function.Function;

/**
 * What varies between OpenAI-style streams: the vendor's name in failure messages, where usage sits, and how its
 * finish reasons map onto the SPI's (a mapper may throw a {@link io.modelbridge.spi.ProviderException} for a finish
 * reason that means the answer is broken).
 */
public record StreamRules(String vendor, UsagePlacement usage, Function<String, FinishReason> finishReasons) {
    /** OpenAI's: usage as sent, OpenAI's finish reasons. */
    public static final StreamRules OPENAI = new StreamRules("", UsagePlacement.AS_SENT, FinishReason::fromWire);

    public StreamRules {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(finishReasons, "finishReasons");
    }

    /** The same rules for another vendor name (used as the first word of failure messages). */
    public StreamRules withVendor(String name) {
        return new StreamRules(name, usage, finishReasons);
    }

    /** The same rules with usage placed elsewhere. */
    public StreamRules withUsage(UsagePlacement placement) {
        return new StreamRules(vendor, placement, finishReasons);
    }

    /** The same rules with another finish reason mapping. */
    public StreamRules withFinishReasons(Function<String, FinishReason> mapping) {
        return new StreamRules(vendor, usage, mapping);
    }

    String prefix(String message) {
        return vendor.isEmpty() ? message : vendor + " " + message;
    }
}
