package io.modelbridge.provider.glm;

import io.modelbridge.spi.ProviderSettings;
import java.time.Clock;
import java.time.Duration;

/** The {@code Authorization} header for a channel: {@code Bearer <jwt>} (cached, see {@link GlmTokenCache}) or the raw key. */
final class GlmAuth {
    private final GlmTokenCache tokens;

    GlmAuth(GlmTokenCache tokens) {
        this.tokens = tokens;
    }

    /** The header value and whether it is a signed token (only those can expire and be re-signed). */
    record Header(String value, boolean signed) {
        String token() {
            return value.substring("Bearer ".length());
        }

        @Override
        public String toString() {
            return "Header[signed=" + signed + "]";
        }
    }

    Header header(ProviderSettings settings, Clock clock) {
        GlmCredential credential = GlmCredential.parse(settings.credential());
        if (GlmSettings.sendsRawKey(settings)) {
            return new Header("Bearer " + credential.id() + "." + credential.secret(), false);
        }
        Duration ttl = GlmSettings.tokenTtl(settings);
        return new Header("Bearer " + tokens.token(credential, ttl, clock), true);
    }

    /** Zhipu called the header's token expired: forget it so the next header is signed afresh. */
    void expired(ProviderSettings settings, Header header) {
        tokens.invalidate(GlmCredential.parse(settings.credential()), GlmSettings.tokenTtl(settings), header.token());
    }
}
