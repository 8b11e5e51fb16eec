package io.modelbridge.gateway.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.modelbridge.gateway.ids.RandomIds;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Request ids. Every request gets an id of its own (usage row, ledger rows, logs); the client's x-request-id, when it
 * is a sane token, is kept beside it for correlation and echoed back, but never stands in for it: clients repeat ids.
 */
final class RequestIds {
    static final HeaderName HEADER = HeaderNames.create("x-request-id");
    /** The gateway's own id, sent with every answer (x-request-id carries it too unless the client sent one). */
    static final HeaderName OWN_HEADER = HeaderNames.create("x-modelbridge-request-id");
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private RequestIds() {}

    /** A new id, unique to this request. */
    static String fresh() {
        return "req_" + RandomIds.base64Url(12);
    }

    /** The client's x-request-id when it is a sane token, else null. */
    static String client(Optional<String> header) {
        return header.filter(h -> SANE.matcher(h).matches()).orElse(null);
    }
}
