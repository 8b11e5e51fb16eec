package io.modelbridge.provider.glm;

import static io.modelbridge.compat.OpenAiJson.MAPPER;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.compat.OpenAiJson;
import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.Sampling;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI sampling parameters, {@code user} and extra fields onto GLM's, clamped where GLM documents a narrower
 * range and refused (400) where GLM has no equivalent. Ranges per the official SDKs: temperature and top_p in the
 * open interval (0, 1); temperature 0 means greedy decoding, which GLM spells {@code do_sample: false}.
 */
final class GlmParameters {
    static final double HIGHEST = 0.99;
    static final double LOWEST_TOP_P = 0.01;
    private static final int USER_ID_MIN = 6;
    private static final int USER_ID_MAX = 128;
    /**
     * OpenAI fields GLM does not have that are left out: they have no effect on the answer, or (logprobs,
     * logit_bias, modalities) only their neutral values get this far, the others being refused.
     */
    private static final Set<String> INERT = Set.of("store", "metadata", "service_tier", "parallel_tool_calls",
            "logprobs", "logit_bias", "modalities");

    private GlmParameters() {}

    static void sampling(ObjectNode body, Sampling s) {
        if (s == null) {
            return;
        }
        if (s.temperature() != null) {
            if (s.temperature() <= 0) {
                body.put("do_sample", false);
            } else {
                body.put("temperature", Math.min(s.temperature(), HIGHEST));
            }
        }
        if (s.topP() != null && !body.has("do_sample")) {
            body.put("top_p", Math.max(LOWEST_TOP_P, Math.min(s.topP(), HIGHEST)));
        }
        if (s.maxTokens() != null) {
            body.put("max_tokens", s.maxTokens());
        }
        if (s.stop().size() > 1) {
            throw refused("stop", "GLM accepts a single stop sequence, got " + s.stop().size());
        }
        if (s.stop().size() == 1) {
            body.putArray("stop").add(s.stop().getFirst());
        }
        if (isSet(s.presencePenalty())) {
            throw refused("presence_penalty", "GLM has no presence_penalty");
        }
        if (isSet(s.frequencyPenalty())) {
            throw refused("frequency_penalty", "GLM has no frequency_penalty");
        }
        if (s.n() != null && s.n() > 1) {
            throw refused("n", "GLM returns one choice per request (n must be 1)");
        }
        if (s.seed() != null) {
            body.put("seed", s.seed());
        }
    }

    /**
     * GLM's {@code user_id} must be 6 to 128 characters: shorter ids get a fixed prefix, longer ones become their
     * SHA-256 (hex), so the same OpenAI {@code user} always maps to the same GLM end user.
     */
    static String userId(String user) {
        if (user.length() < USER_ID_MIN) {
            return "mb-user-" + user;
        }
        if (user.length() > USER_ID_MAX) {
            return sha256(user);
        }
        return user;
    }

    /**
     * Extra request fields: OpenAI-only features GLM cannot honour are refused, inert ones left out; everything
     * else (GLM's own {@code thinking}, {@code do_sample}, {@code request_id}, {@code response_format} ...) is sent
     * as is, unless it would overwrite a field already written.
     */
    static void extras(ObjectNode body, Map<String, Object> extras) {
        extras.forEach((name, value) -> {
            refuseUnsupported(name, value);
            if (!INERT.contains(name) && !body.has(name) && value != null) {
                body.set(name, MAPPER.valueToTree(value));
            }
        });
    }

    private static void refuseUnsupported(String name, Object value) {
        switch (name) {
            case "logprobs" -> {
                if (Boolean.TRUE.equals(value)) {
                    throw refused(name, "GLM does not return log probabilities");
                }
            }
            case "top_logprobs" -> {
                if (value != null) {
                    throw refused(name, "GLM does not return log probabilities");
                }
            }
            case "logit_bias" -> {
                if (value instanceof Map<?, ?> m && !m.isEmpty()) {
                    throw refused(name, "GLM has no logit_bias");
                }
            }
            case "modalities" -> {
                if (value instanceof List<?> l && l.stream().anyMatch(m -> !"text".equals(m))) {
                    throw refused(name, "GLM chat answers with text only");
                }
            }
            case "audio", "prediction", "reasoning_effort", "web_search_options" -> {
                if (value != null) {
                    throw refused(name, "GLM has no '" + name + "' (use GLM's own parameters, e.g. thinking)");
                }
            }
            case "response_format" -> {
                if (value instanceof Map<?, ?> m && "json_schema".equals(m.get("type"))) {
                    throw refused(name, "GLM supports response_format text and json_object, not json_schema");
                }
            }
            default -> { /* passed through */ }
        }
    }

    private static boolean isSet(Double penalty) {
        return penalty != null && penalty != 0;
    }

    static ProviderException refused(String param, String why) {
        return new ProviderException(new ProviderFailure(ProviderFailure.Kind.BAD_REQUEST,
                "'" + param + "' cannot be honoured by this model: " + why + ".", null, 0, null));
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
