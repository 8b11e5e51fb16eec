package io.modelbridge.provider.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.Sampling;
import java.util.List;
import java.util.Map;

/**
 * OpenAI sampling parameters and extra fields onto {@code parameter.chat}: clamped where Spark documents a narrower
 * range, refused (400, before anything is sent) where Spark has no equivalent. Ranges from iFlytek's Web API page
 * and the official SDK: temperature (0, 1], max_tokens [1, model maximum], top_k [1, 6].
 */
final class SparkParameters {
    static final double LOWEST_TEMPERATURE = 0.01;
    static final int UID_MAX = 32;

    private SparkParameters() {}

    /** Fills {@code chat} from the request's sampling parameters and extras. */
    static void chat(ObjectNode chat, Sampling s, Map<String, Object> extras, SparkModel model) {
        if (s != null) {
            sampling(chat, s, model);
        }
        topK(chat, extras.get("top_k"));
        Object chatId = extras.get("chat_id");
        if (chatId instanceof String id && !id.isBlank()) {
            chat.put("chat_id", id);
        }
        refuseUnsupported(extras);
    }

    private static void sampling(ObjectNode chat, Sampling s, SparkModel model) {
        if (s.temperature() != null) {
            chat.put("temperature", Math.max(LOWEST_TEMPERATURE, Math.min(1.0, s.temperature())));
        }
        if (s.maxTokens() != null) {
            if (s.maxTokens() < 1) {
                throw refused("max_tokens", "it must be at least 1");
            }
            chat.put("max_tokens", Math.min(s.maxTokens(), model.maxTokens()));
        }
        if (s.topP() != null && s.topP() != 1.0) {
            throw refused("top_p", "Spark has no top_p (use temperature, or Spark's top_k)");
        }
        if (!s.stop().isEmpty()) {
            throw refused("stop", "Spark has no stop sequences");
        }
        if (s.presencePenalty() != null && s.presencePenalty() != 0) {
            throw refused("presence_penalty", "Spark has no presence_penalty");
        }
        if (s.frequencyPenalty() != null && s.frequencyPenalty() != 0) {
            throw refused("frequency_penalty", "Spark has no frequency_penalty");
        }
        if (s.n() != null && s.n() > 1) {
            throw refused("n", "Spark returns one choice per request (n must be 1)");
        }
        // seed is left out: Spark has none, and OpenAI itself only tries to honour it.
    }

    /** Spark's own {@code top_k}, for clients that send it as an extra field. */
    private static void topK(ObjectNode chat, Object value) {
        if (value == null) {
            return;
        }
        if (!(value instanceof Number n) || n.doubleValue() != n.intValue() || n.intValue() < 1 || n.intValue() > 6) {
            throw refused("top_k", "Spark's top_k is an integer from 1 to 6");
        }
        chat.put("top_k", n.intValue());
    }

    /** OpenAI-only features Spark cannot honour; other unknown fields have no place in Spark's frame and are left out. */
    private static void refuseUnsupported(Map<String, Object> extras) {
        extras.forEach((name, value) -> {
            boolean refuse = switch (name) {
                case "logprobs" -> Boolean.TRUE.equals(value);
                case "top_logprobs", "audio", "prediction", "reasoning_effort", "web_search_options" -> value != null;
                case "logit_bias" -> value instanceof Map<?, ?> m && !m.isEmpty();
                case "modalities" -> value instanceof List<?> l && l.stream().anyMatch(m -> !"text".equals(m));
                case "response_format" -> value instanceof Map<?, ?> m && !"text".equals(m.get("type"));
                default -> false;
            };
            if (refuse) {
                throw refused(name, "Spark's WebSocket chat has no such feature");
            }
        });
    }

    /** The end user's id: Spark's {@code uid} holds at most 32 characters. */
    static String uid(String user) {
        return user.length() > UID_MAX ? user.substring(0, UID_MAX) : user;
    }

    static ProviderException refused(String param, String why) {
        return new ProviderException(new ProviderFailure(ProviderFailure.Kind.BAD_REQUEST,
                "'" + param + "' cannot be honoured by Spark: " + why + ".", null, 0, null));
    }
}
