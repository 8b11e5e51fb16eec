package io.modelbridge.compat;

import com.fasterxml.jackson.core.JsonPointer;
import io.modelbridge.spi.FinishReason;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * What varies between OpenAI-style streams: the vendor's name in failure messages, when usage is reported and where
 * in a chunk it sits, and how its finish reasons map onto the SPI's (a mapper may throw a
 * {@link io.modelbridge.spi.ProviderException} for a finish reason that means the answer is broken).
 *
 * @param usageAt JSON pointers into a chunk where usage may sit, tried in order: OpenAI's {@code /usage}, then the
 *                finishing choice's {@code /choices/0/usage}, where Moonshot's Kimi and some other OpenAI-compatible
 *                vendors put it (each chunk of a stream carries one choice, so the finishing one is choice 0)
 */
public record StreamRules(String vendor, UsagePlacement usage, List<JsonPointer> usageAt,
                          Function<String, FinishReason> finishReasons) {
    /** OpenAI's: usage as sent, at {@code /usage} or else inside the finishing choice; OpenAI's finish reasons. */
    public static final StreamRules OPENAI = new StreamRules("", UsagePlacement.AS_SENT,
            List.of(JsonPointer.compile("/usage"), JsonPointer.compile("/choices/0/usage")), FinishReason::fromWire);

    public StreamRules {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(usage, "usage");
        usageAt = List.copyOf(usageAt);
        Objects.requireNonNull(finishReasons, "finishReasons");
    }

    /** The same rules for another vendor name (used as the first word of failure messages). */
    public StreamRules withVendor(String name) {
        return new StreamRules(name, usage, usageAt, finishReasons);
    }

    /** The same rules with usage reported at another time. */
    public StreamRules withUsage(UsagePlacement placement) {
        return new StreamRules(vendor, placement, usageAt, finishReasons);
    }

    /** The same rules with usage looked for at these JSON pointers (e.g. {@code "/usage", "/choices/0/usage"}). */
    public StreamRules withUsageAt(String... pointers) {
        return new StreamRules(vendor, usage, List.of(pointers).stream().map(JsonPointer::compile).toList(),
                finishReasons);
    }

    /** The same rules with another finish reason mapping. */
    public StreamRules withFinishReasons(Function<String, FinishReason> mapping) {
        return new StreamRules(vendor, usage, usageAt, mapping);
    }

    String prefix(String message) {
        return vendor.isEmpty() ? message : vendor + " " + message;
    }
}
