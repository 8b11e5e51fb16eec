package io.modelbridge.provider.spark;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * iFlytek's URL signature for WebSocket APIs (vendor-protocols.md 5.3, docs/vendors/spark.md): HMAC-SHA256 with the
 * APISecret over {@code host: H\ndate: D\nGET /path HTTP/1.1}, wrapped with the APIKey into a Base64
 * {@code authorization} query parameter next to {@code date} and {@code host}.
 */
final class SparkSigner {
    /** The official SDK's pattern: always two-digit days and the literal zone GMT (RFC_1123_DATE_TIME is neither). */
    static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private SparkSigner() {}

    /** {@code endpoint} with the signed query for a GET (the WebSocket upgrade) at {@code now}. */
    static URI sign(URI endpoint, String apiKey, String apiSecret, Instant now) {
        String host = hostOf(endpoint);
        String date = DATE.format(now);
        String requestLine = "GET " + endpoint.getRawPath() + " HTTP/1.1";
        String authorization = authorization(apiKey, signature(apiSecret, host, date, requestLine));
        String query = "authorization=" + encode(authorization) + "&date=" + encode(date) + "&host=" + encode(host);
        return URI.create(endpoint.getScheme() + "://" + endpoint.getRawAuthority() + endpoint.getRawPath() + "?" + query);
    }

    /** Base64 of HMAC-SHA256(secret, "host: …\ndate: …\n<request line>"). */
    static String signature(String apiSecret, String host, String date, String requestLine) {
        String origin = "host: " + host + "\ndate: " + date + "\n" + requestLine;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(apiSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(origin.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Base64 of the authorization origin in the official SDK's {@code api_key="…"} form. */
    static String authorization(String apiKey, String signature) {
        String origin = "api_key=\"" + apiKey + "\", algorithm=\"hmac-sha256\", headers=\"host date request-line\", "
                + "signature=\"" + signature + "\"";
        return Base64.getEncoder().encodeToString(origin.getBytes(StandardCharsets.UTF_8));
    }

    /** The host as the WebSocket client's Host header carries it: with the port when one is given. */
    static String hostOf(URI endpoint) {
        return endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
