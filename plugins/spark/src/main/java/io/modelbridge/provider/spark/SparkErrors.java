package io.modelbridge.provider.spark;

import io.modelbridge.spi.ProviderException;
import io.modelbridge.spi.ProviderFailure;
import io.modelbridge.spi.ProviderFailure.Kind;
import java.time.Duration;
import java.util.Set;

/**
 * Spark's failures as {@link ProviderFailure}s: a refused WebSocket handshake, and every documented
 * {@code header.code} of a response frame (docs/vendors/spark.md, "Error codes").
 */
final class SparkErrors {
    /** The output tripped the content audit; what was already sent stands (10014). */
    static final int OUTPUT_FILTERED = 10014;
    private static final int MAX_MESSAGE = 500;
    /** What an 11200 frame's message names when the APPID's token allowance is used up. */
    private static final String TOKENS_EXHAUSTED = "tokens.total";
    private static final Set<Integer> UNAVAILABLE =
            Set.of(10000, 10001, 10002, 10008, 10009, 10010, 10011, 10012, 10017, 10110, 10222);
    private static final Set<Integer> BAD_REQUEST = Set.of(10003, 10004, 10005, 10163, 11501);
    private static final Set<Integer> RATE_LIMIT = Set.of(10006, 10007, 11202, 11203);
    private static final Set<Integer> CONTENT_FILTER = Set.of(10013, OUTPUT_FILTERED, 10019, 10021);

    private SparkErrors() {}

    /**
     * The class of a frame's non-zero {@code header.code}. 10016 and 11200 ("AppIdNoAuthError": no licence for the
     * model, order expired) are the channel's grant, so AUTH; 11201, the daily limit, is the used-up quota.
     */
    static Kind classify(int code) {
        return classify(code, null);
    }

    /**
     * As {@link #classify(int)}, except that an 11200 whose message names {@code tokens.total} is the APPID's token
     * allowance used up (QUOTA), not a missing licence: Spark answers an exhausted or never-claimed token package
     * with {@code AppIdNoAuthError:(<time>) tokens.total} (docs/vendors/spark.md, "Error codes").
     */
    static Kind classify(int code, String message) {
        if (code == 11200 && message != null && message.contains(TOKENS_EXHAUSTED)) {
            return Kind.QUOTA;
        }
        if (BAD_REQUEST.contains(code)) {
            return Kind.BAD_REQUEST;
        }
        if (RATE_LIMIT.contains(code)) {
            return Kind.RATE_LIMIT;
        }
        if (CONTENT_FILTER.contains(code)) {
            return Kind.CONTENT_FILTER;
        }
        return switch (code) {
            case 10907 -> Kind.CONTEXT_TOO_LONG;
            case 11201 -> Kind.QUOTA;
            case 10015, 10016, 11200, 11500 -> Kind.AUTH;
            default -> Kind.UNAVAILABLE; // 10000-10012, 10017, 10110, 10222 and codes not documented yet
        };
    }

    /** A frame with {@code header.code != 0}. */
    static ProviderException fromFrame(int code, String message, String sid, SparkCredential credential) {
        String vendor = clean(message, credential);
        Kind kind = classify(code, message);
        String text = describe(kind, code, vendor) + (sid.isEmpty() ? "" : " (sid " + sid + ")");
        Duration retryAfter = code == 11202 ? Duration.ofSeconds(1) : null; // a per-second limit: the next second
        return new ProviderException(new ProviderFailure(kind, text, String.valueOf(code), 0, retryAfter));
    }

    /**
     * A refused upgrade. iFlytek's gateway answers 401 when the signature does not verify and 403 when the signed
     * date is more than 300 s off; both are the channel's credential or the gateway's clock, never the caller's.
     */
    static ProviderException handshake(ProviderException refused) {
        ProviderFailure f = refused.failure();
        String why = switch (f.upstreamStatus()) {
            case 401 -> "Spark refused the channel's credential at the WebSocket handshake (HTTP 401): the URL "
                    + "signature made from " + SparkCredential.FORMAT + " did not verify";
            case 403 -> "Spark refused the signed WebSocket URL (HTTP 403): the signing date is more than 300 s off "
                    + "Spark's clock (check this host's clock), or the credential may not use this endpoint";
            default -> null;
        };
        if (why == null) {
            return refused;
        }
        return new ProviderException(new ProviderFailure(Kind.AUTH, why, null, f.upstreamStatus(), null), refused);
    }

    static ProviderException protocol(String message) {
        return new ProviderException(ProviderFailure.of(Kind.PROTOCOL, message));
    }

    private static String describe(Kind kind, int code, String message) {
        String vendor = "Spark error " + code + ": " + message;
        return switch (kind) {
            case AUTH -> "Spark refused the channel's APPID or its grant: " + vendor;
            case QUOTA -> "the Spark account's grant is used up: " + vendor;
            case RATE_LIMIT -> "Spark rate limit: " + vendor;
            case UNAVAILABLE -> "Spark unavailable: " + vendor;
            default -> vendor;
        };
    }

    /** The vendor's message on one line, without the channel's secrets, bounded. */
    static String clean(String message, SparkCredential credential) {
        String m = message == null || message.isBlank() ? "(no message)" : message.replaceAll("\\s+", " ").strip();
        m = credential.redact(m);
        return m.length() > MAX_MESSAGE ? m.substring(0, MAX_MESSAGE) + "..." : m;
    }
}
