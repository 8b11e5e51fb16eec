package io.modelbridge.provider.glm;

import io.modelbridge.compat.OpenAiErrors;
import io.modelbridge.spi.ProviderFailure.Kind;
import io.modelbridge.spi.ProviderFailure;
import java.util.Map;

/**
 * Zhipu's errors ({@code {"error":{"code":"1302","message":"..."}}}, the code a string) to {@link ProviderFailure}s.
 * The business code decides; the HTTP status only where the code is unknown or means different things (1305,
 * 1312: a 429 is a rate limit, a 5xx the platform being down). Table and sources: docs/vendors/glm.md.
 */
final class GlmErrors extends OpenAiErrors {
    static final GlmErrors INSTANCE = new GlmErrors();
    /** The code Zhipu answers when a JWT has expired: the adapter signs a new one and retries once. */
    static final String TOKEN_EXPIRED = "1003";
    private static final Map<String, Kind> BY_CODE = Map.ofEntries(
            Map.entry("500", Kind.UNAVAILABLE),
            Map.entry("1000", Kind.AUTH), Map.entry("1001", Kind.AUTH), Map.entry("1002", Kind.AUTH),
            Map.entry("1003", Kind.AUTH), Map.entry("1004", Kind.AUTH), Map.entry("1005", Kind.AUTH),
            Map.entry("1100", Kind.UNAVAILABLE),
            Map.entry("1110", Kind.AUTH), Map.entry("1111", Kind.AUTH), Map.entry("1112", Kind.AUTH),
            Map.entry("1113", Kind.QUOTA),
            Map.entry("1120", Kind.UNAVAILABLE), Map.entry("1121", Kind.AUTH),
            Map.entry("1200", Kind.UNAVAILABLE),
            Map.entry("1210", Kind.BAD_REQUEST), Map.entry("1211", Kind.MODEL_NOT_FOUND),
            Map.entry("1212", Kind.BAD_REQUEST), Map.entry("1213", Kind.BAD_REQUEST),
            Map.entry("1214", Kind.BAD_REQUEST), Map.entry("1215", Kind.BAD_REQUEST),
            Map.entry("1220", Kind.AUTH), Map.entry("1221", Kind.UNAVAILABLE), Map.entry("1222", Kind.UNAVAILABLE),
            Map.entry("1230", Kind.UNAVAILABLE), Map.entry("1231", Kind.BAD_REQUEST),
            Map.entry("1234", Kind.UNAVAILABLE), Map.entry("1261", Kind.CONTEXT_TOO_LONG),
            Map.entry("1300", Kind.CONTENT_FILTER), Map.entry("1301", Kind.CONTENT_FILTER),
            Map.entry("1302", Kind.RATE_LIMIT), Map.entry("1303", Kind.RATE_LIMIT),
            Map.entry("1304", Kind.QUOTA), Map.entry("1308", Kind.QUOTA), Map.entry("1309", Kind.QUOTA),
            Map.entry("1310", Kind.QUOTA), Map.entry("1311", Kind.MODEL_NOT_FOUND),
            Map.entry("1313", Kind.RATE_LIMIT));

    private GlmErrors() {}

    @Override
    protected Kind classify(int status, String type, String code, String message) {
        return classify(status, code);
    }

    @Override
    protected Kind classifyInStream(String type, String code, String message) {
        return classify(0, code);
    }

    static Kind classify(int status, String code) {
        String c = code == null ? "" : code.strip();
        if (c.equals("1305") || c.equals("1312")) {
            return status >= 500 || status == 0 ? Kind.UNAVAILABLE : Kind.RATE_LIMIT;
        }
        Kind known = BY_CODE.get(c);
        if (known != null) {
            return known;
        }
        if (c.startsWith("13") && c.length() == 4 && status == 429) {
            return Kind.RATE_LIMIT;
        }
        return byStatus(status);
    }

    private static Kind byStatus(int status) {
        return switch (status) {
            case 0 -> Kind.UNAVAILABLE;
            case 401, 403, 434 -> Kind.AUTH;
            case 404 -> Kind.PROTOCOL;
            case 408 -> Kind.TIMEOUT;
            case 429 -> Kind.RATE_LIMIT;
            default -> status >= 500 ? Kind.UNAVAILABLE : Kind.BAD_REQUEST;
        };
    }

    @Override
    protected String withoutBody(Kind kind, int status, String excerpt) {
        return "upstream answered HTTP " + status + " without a GLM error body: " + excerpt;
    }

    @Override
    protected String inStream(String code, String message) {
        return "upstream error in stream (GLM code " + code + "): " + message;
    }

    @Override
    protected String describe(Kind kind, String code, String message, int status) {
        String vendor = "(GLM code " + code + ", HTTP " + status + "): " + message;
        return switch (kind) {
            case AUTH -> "upstream refused the channel's credential or account " + vendor;
            case QUOTA -> "upstream account is out of balance or quota " + vendor;
            case RATE_LIMIT -> "upstream rate limit " + vendor;
            case UNAVAILABLE -> "upstream unavailable " + vendor;
            default -> message;
        };
    }
}
