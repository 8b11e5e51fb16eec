package io.modelbridge.testkit.spark;

import io.modelbridge.testkit.SecretLedger;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * iFlytek's check of a signed WebSocket URL, done independently of the plugin's signer: it parses the
 * {@code authorization}, {@code date} and {@code host} query parameters, recomputes the HMAC-SHA256 signature over
 * {@code host: …\ndate: …\nGET <path> HTTP/1.1} with the APISecret of the named APIKey, and refuses the upgrade with
 * the gateway's own status and message (vendor-protocols.md 5.3, "Handshake failures").
 */
final class SparkAuth {
    static final String UNAUTHORIZED = "Unauthorized";
    static final String CANNOT_VERIFY = "HMAC signature cannot be verified";
    static final String NO_MATCH = "HMAC signature does not match";
    static final String BAD_DATE = "HMAC signature cannot be verified, a valid date or x-date header is required for "
            + "HMAC Authentication";
    /** {@code k="v"} pairs; the official SDK writes {@code api_key="…"}, one-api {@code hmac username="…"}. */
    private static final Pattern PAIR = Pattern.compile("(?:hmac\\s+)?([a-z_]+)=\"([^\"]*)\"");

    /** Why the upgrade is refused. */
    record Refusal(int status, String message) {}

    private final Map<String, String> secretsByKey;
    private final Supplier<Clock> clock;
    private final Supplier<Duration> allowedSkew;

    SparkAuth(Map<String, String> secretsByKey, Supplier<Clock> clock, Supplier<Duration> allowedSkew) {
        this.secretsByKey = Map.copyOf(secretsByKey);
        this.clock = clock;
        this.allowedSkew = allowedSkew;
    }

    /**
     * @param path       the request path, e.g. {@code /v3.5/chat}
     * @param rawQuery   the query as sent (URL-encoded), or "" when none
     * @param hostHeader the {@code Host} header the client sent
     * @return the refusal, or empty when the URL is signed correctly and on time
     */
    Optional<Refusal> check(String path, String rawQuery, String hostHeader) {
        Map<String, String> query = query(rawQuery);
        String authorization = query.get("authorization");
        recordSecrets(rawQuery, authorization);
        if (authorization == null || authorization.isEmpty()) {
            return refuse(401, UNAUTHORIZED);
        }
        Map<String, String> fields = fields(authorization);
        String apiKey = fields.containsKey("api_key") ? fields.get("api_key") : fields.get("username");
        String signature = fields.get("signature");
        if (apiKey == null || signature == null || !"hmac-sha256".equals(fields.get("algorithm"))
                || !"host date request-line".equals(fields.get("headers"))) {
            return refuse(401, CANNOT_VERIFY);
        }
        if (!onTime(query.get("date"))) {
            return refuse(403, BAD_DATE);
        }
        String secret = secretsByKey.get(apiKey);
        if (secret == null) {
            return refuse(401, CANNOT_VERIFY);
        }
        String host = query.getOrDefault("host", "");
        String expected = signature(secret, host, query.get("date"), "GET " + path + " HTTP/1.1");
        boolean matches = MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
        // The signature binds the host: one signed for another host than the one asked is not accepted.
        if (!matches || !host.equalsIgnoreCase(hostHeader)) {
            return refuse(401, NO_MATCH);
        }
        return Optional.empty();
    }

    /** The signed URL's {@code authorization} value, URL-encoded as sent and decoded, and its signature. */
    private static void recordSecrets(String rawQuery, String authorization) {
        if (authorization == null) {
            return;
        }
        SecretLedger.record(authorization);
        for (String pair : rawQuery.split("&")) {
            if (pair.startsWith("authorization=")) {
                SecretLedger.record(pair.substring("authorization=".length()));
            }
        }
        String signature = fields(authorization).get("signature");
        SecretLedger.record(signature);
        if (signature != null) {
            SecretLedger.record(java.net.URLEncoder.encode(signature, StandardCharsets.UTF_8));
        }
    }

    /** The APIKey a (correctly signed) query names. */
    static Optional<String> apiKeyOf(String rawQuery) {
        String authorization = query(rawQuery).get("authorization");
        if (authorization == null) {
            return Optional.empty();
        }
        Map<String, String> fields = fields(authorization);
        return Optional.ofNullable(fields.containsKey("api_key") ? fields.get("api_key") : fields.get("username"));
    }

    static String signature(String secret, String host, String date, String requestLine) {
        String origin = "host: " + host + "\ndate: " + date + "\n" + requestLine;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(origin.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean onTime(String date) {
        if (date == null) {
            return false;
        }
        try {
            Instant signed = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Duration.between(signed, clock.get().instant()).abs().compareTo(allowedSkew.get()) <= 0;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static Map<String, String> fields(String authorization) {
        String origin;
        try {
            origin = new String(Base64.getDecoder().decode(authorization), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return Map.of();
        }
        Map<String, String> fields = new HashMap<>();
        Matcher m = PAIR.matcher(origin);
        while (m.find()) {
            fields.put(m.group(1), m.group(2));
        }
        return fields;
    }

    static Map<String, String> query(String rawQuery) {
        Map<String, String> values = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return values;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            values.putIfAbsent(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return values;
    }

    private static Optional<Refusal> refuse(int status, String message) {
        return Optional.of(new Refusal(status, message));
    }
}
