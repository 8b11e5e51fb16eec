package io.modelbridge.gateway.http;

import io.helidon.common.context.Context;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
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
        return "req_" + RandomIds.timeOrdered(System.currentTimeMillis(), 12);
    }

    /**
     * This request's ids, drawn once: by the first to ask (the API's {@link ApiRequestIds} filter), then kept in the
     * request's context for the pipeline's {@link Exchange}, so the answer's headers and the usage row agree.
     */
    static Ids of(ServerRequest req) {
        Context context = req.context();
        return context.get(Ids.class).orElseGet(() -> {
            Ids ids = new Ids(fresh(), client(req.headers().first(HEADER)));
            context.register(ids);
            return ids;
        });
    }

    /**
     * @param own    the gateway's id, unique to this request
     * @param client the client's x-request-id when a sane token, else null
     */
    record Ids(String own, String client) {
        /** What x-request-id carries: the client's id, else ours. */
        String shown() {
            return client != null ? client : own;
        }
    }

    /** The client's x-request-id when it is a sane token, else null. */
    static String client(Optional<String> header) {
        return header.filter(h -> SANE.matcher(h).matches()).orElse(null);
    }
}
