package com.example.kimi;

import io.modelbridge.compat.OpenAiCompatibleAdapter;
import io.modelbridge.compat.OpenAiErrors;
import io.modelbridge.compat.StreamRules;
import io.modelbridge.compat.UsagePlacement;
import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderInfo;
import java.util.List;
import java.util.Set;
import org.pf4j.Extension;

/** Moonshot's Kimi: OpenAI's chat completions, usage inside the finishing choice, its own error types. */
@Extension
public final class KimiAdapter extends OpenAiCompatibleAdapter {
    private static final ProviderInfo INFO = new ProviderInfo("kimi", "Moonshot Kimi", "API key (sk-...)",
            "https://api.moonshot.cn", List.of("moonshot-v1-8k", "moonshot-v1-32k", "kimi-k2-0711-preview"),
            Set.of(Capability.CHAT, Capability.STREAM, Capability.TOOLS));
    private static final StreamRules STREAM = StreamRules.OPENAI.withVendor("Kimi")
            .withUsage(UsagePlacement.LAST_AT_END).withUsageAt("/usage", "/choices/0/usage");
    private static final OpenAiErrors ERRORS = new OpenAiErrors() {
        @Override
        protected Kind classify(int status, String type, String code, String message) {
            return switch (type == null ? "" : type) {
                case "exceeded_current_quota_error" -> Kind.QUOTA;
                case "engine_overloaded_error" -> Kind.UNAVAILABLE;
                default -> super.classify(status, type, code, message);
            };
        }
    };

    @Override
    public ProviderInfo info() {
        return INFO;
    }

    @Override
    protected StreamRules streamRules() {
        return STREAM;
    }

    @Override
    protected OpenAiErrors errors() {
        return ERRORS;
    }
}
