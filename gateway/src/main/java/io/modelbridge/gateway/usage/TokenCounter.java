package io.modelbridge.gateway.usage;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.Message;

/**
 * Counts tokens where the upstream reports none (a stream cut short, a vendor without usage), with OpenAI's
 * o200k_base encoding and its per-message overhead. For other vendors' tokenizers this is an estimate, and usage
 * rows counted here are marked as estimated.
 */
public final class TokenCounter {
    private static final int PER_MESSAGE = 3;
    private static final int REPLY_PRIMING = 3;
    private final Encoding encoding = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    public int prompt(ChatRequest request) {
        int tokens = REPLY_PRIMING;
        for (Message m : request.messages()) {
            tokens += PER_MESSAGE + text(m.role()) + text(m.text());
            if (m.name() != null) {
                tokens += 1 + text(m.name());
            }
            for (var call : m.toolCalls()) {
                tokens += text(call.name()) + text(call.arguments());
            }
        }
        return tokens;
    }

    public int text(String text) {
        return text == null || text.isEmpty() ? 0 : encoding.countTokensOrdinary(text);
    }
}
