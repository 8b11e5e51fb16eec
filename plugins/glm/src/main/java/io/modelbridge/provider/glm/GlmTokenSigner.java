package io.modelbridge.provider.glm;

import io.modelbridge.compat.OpenAiJson;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs Zhipu's HS256 JWT (vendor-protocols.md 6.2, the official SDKs' token managers): header
 * {@code {"alg":"HS256","sign_type":"SIGN","typ":"JWT"}}, payload {@code {"api_key":<id>,"exp":<ms>,"timestamp":<ms>}}
 * (both in epoch <em>milliseconds</em>, not the seconds a standard JWT uses), HMAC-SHA256 keyed with the secret's
 * UTF-8 bytes over {@code base64url(header).base64url(payload)}, unpadded base64url throughout.
 */
final class GlmTokenSigner {
    static final String HEADER = "{\"alg\":\"HS256\",\"sign_type\":\"SIGN\",\"typ\":\"JWT\"}";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private GlmTokenSigner() {}

    /** A token issued at {@code issuedAt} that Zhipu accepts until {@code expiresAt}. */
    static String sign(GlmCredential credential, Instant issuedAt, Instant expiresAt) {
        String payload = "{\"api_key\":" + OpenAiJson.MAPPER.getNodeFactory().textNode(credential.id())
                + ",\"exp\":" + expiresAt.toEpochMilli() + ",\"timestamp\":" + issuedAt.toEpochMilli() + "}";
        String signingInput = encode(HEADER) + "." + encode(payload);
        return signingInput + "." + B64.encodeToString(hmac(credential.secret(), signingInput));
    }

    static byte[] hmac(String secret, String signingInput) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(signingInput.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String encode(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
