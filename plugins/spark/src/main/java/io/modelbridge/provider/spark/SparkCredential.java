package io.modelbridge.provider.spark;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;

/**
 * A Spark channel credential, {@code APPID|APISecret|APIKey} (the order one-api and new-api use): the APPID goes into
 * every request frame, the APIKey and the APISecret sign the WebSocket URL. {@link #toString()} shows no secret.
 */
record SparkCredential(String appId, String apiSecret, String apiKey) {
    static final String FORMAT = "APPID|APISecret|APIKey";

    /** Anything but three non-blank parts is the operator's configuration error (AUTH: fail over, never a 4xx). */
    static SparkCredential parse(String credential) {
        String[] parts = (credential == null ? "" : credential.strip()).split("\\|", -1);
        if (parts.length != 3 || parts[0].isBlank() || parts[1].isBlank() || parts[2].isBlank()) {
            throw new ProviderException(ProviderFailure.of(ProviderFailure.Kind.AUTH,
                    "the channel's Spark credential is not of the form " + FORMAT));
        }
        return new SparkCredential(parts[0].strip(), parts[1].strip(), parts[2].strip());
    }

    /** {@code text} with the secret and the key replaced by {@code ***}. */
    String redact(String text) {
        return text.replace(apiSecret, "***").replace(apiKey, "***");
    }

    @Override
    public String toString() {
        return "SparkCredential[appId=" + appId + ", apiSecret=***, apiKey=***]";
    }
}
