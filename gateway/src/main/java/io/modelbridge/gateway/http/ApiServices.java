package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelbridge.gateway.auth.KeyAuthenticator;
import io.modelbridge.gateway.error.ErrorWriter;
import io.modelbridge.gateway.limits.BodyMemory;
import io.modelbridge.gateway.metrics.GatewayMetrics;
import io.modelbridge.gateway.pipeline.Admission;
import io.modelbridge.gateway.pipeline.Failover;
import io.modelbridge.gateway.responses.ResponseStore;
import io.modelbridge.gateway.routing.RouteTable;
import io.modelbridge.gateway.usage.TokenCounter;
import io.modelbridge.gateway.usage.UsageRecorder;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * What the OpenAI API handlers share. {@code responseProfile} is MB_RESPONSE_PROFILE, for keys without a profile of
 * their own; {@code targetHeaders} sets the routing headers only when MB_EXPOSE_ROUTING is on; {@code responses}
 * keeps the Responses API's stored answers ({@code store: true}).
 */
public record ApiServices(KeyAuthenticator auth, Supplier<RouteTable> routes, Admission admission, Failover failover,
                          UsageRecorder usage,
                          TokenCounter tokens, ErrorWriter errors, ObjectMapper json, Clock clock, long maxBodyBytes,
                          GatewayMetrics metrics, ResponseProfile responseProfile, TargetHeaders targetHeaders,
                          ResponseStore responses, BodyMemory bodyMemory) {

    /** With routing headers as MB_EXPOSE_ROUTING says ({@code exposeRouting}). */
    public ApiServices(KeyAuthenticator auth, Supplier<RouteTable> routes, Admission admission, Failover failover,
                       UsageRecorder usage, TokenCounter tokens, ErrorWriter errors, ObjectMapper json, Clock clock,
                       long maxBodyBytes, GatewayMetrics metrics, ResponseProfile responseProfile,
                       boolean exposeRouting, ResponseStore responses, BodyMemory bodyMemory) {
        this(auth, routes, admission, failover, usage, tokens, errors, json, clock, maxBodyBytes, metrics,
                responseProfile, TargetHeaders.of(exposeRouting), responses, bodyMemory);
    }
}
