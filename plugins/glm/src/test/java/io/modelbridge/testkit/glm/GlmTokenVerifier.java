package io.modelbridge.testkit.glm;

import com.fasterxml.jackson.databind.JsonNode;
import io.modelbridge.testkit.SecretLedger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks an {@code Authorization} header the way Zhipu does (vendor-protocols.md 6.2, 6.11): {@code Bearer} is
 * optional; the value is either the API key {@code id.secret} itself or an HS256 JWT whose header names
 * {@code alg: HS256} and {@code sign_type: SIGN}, whose payload's {@code api_key} is a known key id, whose signature
 * is the HMAC-SHA256 of the first two segments <em>as received</em> keyed with that id's secret, and whose
 * {@code exp} (epoch milliseconds) is still ahead.
 */
final class GlmTokenVerifier {
    /** Why a header was refused: Zhipu's code and message (docs.bigmodel.cn 错误码). */
    record Refusal(String code, String message) {}

    static final Refusal MISSING = new Refusal("1001", "Header中未收到Authentication参数，无法进行身份验证");
    static final Refusal MALFORMED = new Refusal("1002", "Authentication Token非法，请确认Authentication Token正确传递");
    static final Refusal EXPIRED = new Refusal("1003", "Authentication Token已过期，请重新生成/获取");
    static final Refusal BAD_SIGNATURE = new Refusal("1004", "通过Authentication Token的验证失败");
    static final Refusal UNKNOWN_KEY = new Refusal("1000", "身份验证失败");

    private final Map<String, String> secrets;

    GlmTokenVerifier(Map<String, String> secretsById) {
        this.secrets = Map.copyOf(secretsById);
    }

    /**
     * @param expiredUpTo tokens issued ({@code timestamp}) at or before this instant count as expired, as if the
     *                    server had rotated its view of them; null for none
     */
    Optional<Refusal> check(Optional<String> header, Instant now, Instant expiredUpTo) {
        String value = header.map(String::strip).orElse("");
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            value = value.substring(7).strip();
        }
        if (value.isEmpty()) {
            return Optional.of(MISSING);
        }
        String[] parts = value.split("\\.", -1);
        if (parts.length == 2) {
            return secrets.containsKey(parts[0]) && constantTimeEquals(secrets.get(parts[0]), parts[1])
                    ? Optional.empty() : Optional.of(UNKNOWN_KEY);
        }
        return parts.length == 3 ? checkJwt(parts, now, expiredUpTo) : Optional.of(MALFORMED);
    }

    private Optional<Refusal> checkJwt(String[] parts, Instant now, Instant expiredUpTo) {
        SecretLedger.record(String.join(".", parts)); // the JWT the gateway signed, and its signature alone
        SecretLedger.record(parts[2]);
        JsonNode header = decodeJson(parts[0]);
        JsonNode payload = decodeJson(parts[1]);
        if (header == null || payload == null || !"HS256".equals(header.path("alg").asText())
                || !"SIGN".equals(header.path("sign_type").asText()) || !payload.path("api_key").isTextual()
                || !payload.path("exp").canConvertToLong() || !payload.path("timestamp").canConvertToLong()) {
            return Optional.of(MALFORMED);
        }
        String secret = secrets.get(payload.path("api_key").asText());
        if (secret == null) {
            return Optional.of(UNKNOWN_KEY);
        }
        byte[] given;
        try {
            given = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return Optional.of(MALFORMED);
        }
        if (!MessageDigest.isEqual(hmac(secret, parts[0] + "." + parts[1]), given)) {
            return Optional.of(BAD_SIGNATURE);
        }
        long issued = payload.path("timestamp").asLong();
        if (payload.path("exp").asLong() <= now.toEpochMilli()
                || (expiredUpTo != null && issued <= expiredUpTo.toEpochMilli())) {
            return Optional.of(EXPIRED);
        }
        return Optional.empty();
    }

    private static JsonNode decodeJson(String segment) {
        try {
            JsonNode node = GlmSimulator.JSON.readTree(new String(Base64.getUrlDecoder().decode(segment),
                    StandardCharsets.UTF_8));
            return node != null && node.isObject() ? node : null;
        } catch (IllegalArgumentException | java.io.IOException e) {
            return null;
        }
    }

    static byte[] hmac(String secret, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
