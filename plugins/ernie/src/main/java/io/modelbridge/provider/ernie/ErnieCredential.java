package io.modelbridge.provider.ernie;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;

/**
 * A channel credential in the form {@code API_KEY|SECRET_KEY}: the Qianfan application's API Key and Secret Key,
 * as one-api and new-api store them. {@code toString} never shows either part.
 */
record ErnieCredential(String apiKey, String secretKey) {

    static final String FORMAT = "API_KEY|SECRET_KEY";

    /** Parses the channel credential; a malformed one is the operator's problem, so it fails as AUTH. */
    static ErnieCredential parse(String credential) {
        String value = credential == null ? "" : credential.strip();
        int bar = value.indexOf('|');
        String apiKey = bar < 0 ? "" : value.substring(0, bar).strip();
        String secretKey = bar < 0 ? "" : value.substring(bar + 1).strip();
        if (apiKey.isEmpty() || secretKey.isEmpty() || secretKey.indexOf('|') >= 0) {
            throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.AUTH,
                    "the channel credential must be written " + FORMAT + " (the Qianfan application's API Key and "
                            + "Secret Key joined by '|')"));
        }
        return new ErnieCredential(apiKey, secretKey);
    }

    @Override
    public String toString() {
        return "ErnieCredential[***]";
    }
}
