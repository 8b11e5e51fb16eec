package io.modelbridge.gateway.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.error.HeaderText;
import io.modelbridge.gateway.pipeline.ServingTarget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The response headers that say which alias target, and which plugin version, served the request. Which channel,
 * upstream model and plugin served a call is the operator's business: they are set only when MB_EXPOSE_ROUTING is
 * on, decided once at start. The usage row and the log keep them either way. The failure path's channel header
 * goes through {@link GatewayException}, which makes it header-safe the same way.
 */
final class TargetHeaders {
    static final HeaderName CHANNEL = HeaderNames.create("x-modelbridge-channel");
    static final HeaderName UPSTREAM_MODEL = HeaderNames.create("x-modelbridge-upstream-model");
    static final HeaderName PLUGIN = HeaderNames.create("x-modelbridge-plugin");
    static final List<String> NAMES = List.of(CHANNEL.lowerCase(), UPSTREAM_MODEL.lowerCase(), PLUGIN.lowerCase());
    static final TargetHeaders EXPOSED = new TargetHeaders(true);
    static final TargetHeaders HIDDEN = new TargetHeaders(false);
    private final boolean expose;

    private TargetHeaders(boolean expose) {
        this.expose = expose;
    }

    /** MB_EXPOSE_ROUTING's choice. */
    static TargetHeaders of(boolean expose) {
        return expose ? EXPOSED : HIDDEN;
    }

    void set(ServerResponse res, ServingTarget servedBy) {
        if (expose) {
            // names from the database and a plugin jar's manifest: made header-safe here, on their only way out
            res.header(CHANNEL, HeaderText.value(servedBy.target().channel().name()));
            res.header(UPSTREAM_MODEL, HeaderText.value(servedBy.target().upstreamModel()));
            res.header(PLUGIN, HeaderText.value(servedBy.plugin()));
        }
    }

    /** A failure as the client may see it: the channel it names in a header goes only when routing is exposed. */
    GatewayException shown(GatewayException failure) {
        if (expose || NAMES.stream().noneMatch(failure.headers()::containsKey)) {
            return failure;
        }
        Map<String, String> headers = new LinkedHashMap<>(failure.headers());
        headers.keySet().removeAll(NAMES);
        GatewayException shown = new GatewayException(failure.error(), headers);
        shown.setStackTrace(failure.getStackTrace());
        return shown;
    }
}
