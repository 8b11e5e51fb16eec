package io.modelbridge.compat;

import io.modelbridge.spi.Capability;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderInfo;
import io.modelbridge.spi.ProviderSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a third-party author writes for an OpenAI-compatible vendor (here shaped like Moonshot's Kimi): the vendor's
 * info, where its stream puts usage, its error types, one extra header. Everything else is the module's.
 */
final class KimiStyleAdapter extends OpenAiCompatibleAdapter {
    static final ProviderInfo INFO = new ProviderInfo("kimi", "Moonshot Kimi", "API key (sk-...)",
            "https://api.moonshot.cn", List.of("moonshot-v1-8k", "kimi-k2"), Set.of(Capability.CHAT, Capability.STREAM));
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
    protected Map<String, String> headers(ProviderSettings settings, String accept) {
        Map<String, String> headers = super.headers(settings, accept);
        headers.put("X-Client", "modelbridge");
        return headers;
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
