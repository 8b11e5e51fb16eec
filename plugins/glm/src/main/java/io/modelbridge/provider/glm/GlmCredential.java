package io.modelbridge.provider.glm;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;

/**
 * A Zhipu API key, {@code <id>.<secret>}: the id goes into the JWT's {@code api_key} claim, the secret is the
 * HMAC key. {@link #toString()} never shows the secret.
 */
record GlmCredential(String id, String secret) {

    /** Splits the channel credential at its first dot; anything else is the operator's configuration error. */
    static GlmCredential parse(String credential) {
        String c = credential == null ? "" : credential.strip();
        int dot = c.indexOf('.');
        if (dot <= 0 || dot == c.length() - 1 || c.indexOf('.', dot + 1) >= 0) {
            throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.AUTH,
                    "the channel's GLM credential is not of the form id.secret"));
        }
        return new GlmCredential(c.substring(0, dot), c.substring(dot + 1));
    }

    @Override
    public String toString() {
        return "GlmCredential[id=" + id + ", secret=***]";
    }
}
