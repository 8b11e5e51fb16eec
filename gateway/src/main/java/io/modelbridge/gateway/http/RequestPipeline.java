package io.modelbridge.gateway.http;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ClientGoneException;
import io.modelbridge.gateway.error.ErrorMapper;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.BodyMemory;
import io.modelbridge.gateway.limits.RateAdmission;
import io.modelbridge.gateway.pipeline.Admission;
import io.modelbridge.gateway.pipeline.RequestContext;
import io.modelbridge.gateway.routing.Target;
import java.util.List;

/**
 * The one stage that owns a request's {@link Exchange}, in one direction: identify, authenticate, decode (the
 * dialect's {@link ClientCodec}), resolve the model, admit (rate limits, quota reservation), serve (the
 * {@link Operation}: failover, then the answer or the relayed stream), and, whatever happened, settle in one place,
 * before the answer's last bytes go out: the usage row with its cost, the quota lease, the token limits and the
 * request's metrics. A failure is mapped once ({@link ErrorMapper}) and shown in the dialect's error shape.
 */
final class RequestPipeline {
    private static final List<HeaderName> RATE_HEADERS =
            RateAdmission.HEADER_NAMES.stream().map(HeaderNames::create).toList();
    private final ApiServices s;
    private final ErrorMapper mapper = new ErrorMapper();

    RequestPipeline(ApiServices services) {
        this.s = services;
    }

    /** The route handler of one endpoint: a dialect's codec and the kind of call it decodes to. */
    <C> Handler handler(ClientCodec<C> codec, Operation<C> operation) {
        return (req, res) -> serve(req, res, codec, operation);
    }

    private <C> void serve(ServerRequest req, ServerResponse res, ClientCodec<C> codec, Operation<C> operation) {
        Exchange exchange = Exchange.start(req, s.clock().instant());
        exchange.dialect = codec.dialect();
        exchange.identify(res);
        exchange.settleWith(() -> settle(exchange, null));
        try (BodyMemory.Hold memory = s.bodyMemory().hold();
             RequestContext.Scope scope = RequestContext.open(exchange.logName(), memory)) {
            exchange.caller = s.auth().authenticate(codec.credential(req), ClientAddress.of(req));
            exchange.profile = ResponseProfile.parse(exchange.caller.key().responseProfile()).orElse(s.responseProfile());
            byte[] body = RequestBodies.read(req, s.maxBodyBytes(), memory);
            C call = codec.decode(body, s.json(), exchange.caller, model -> exchange.named(model, s.routes().get()));
            exchange.model = operation.model(call);
            exchange.stream = operation.stream(call);
            List<Target> plan = Models.plan(s, exchange.caller, exchange.model);
            Admission.Ticket ticket = s.admission().admit(exchange.caller, exchange.model, exchange.requestId,
                    () -> operation.countPrompt(call), operation.maxTokens(call));
            exchange.settleWith(() -> settle(exchange, ticket));
            exchange.promptTokens = ticket.promptTokens();
            RateAdmission rate = ticket.rateLimits();
            for (int i = 0; i < rate.headerCount(); i++) {
                res.header(RATE_HEADERS.get(i), rate.headerValue(i));
            }
            C admitted = ticket.completionLimit().isPresent()
                    ? operation.limitCompletion(call, ticket.completionLimit().getAsInt()) : call;
            operation.serve(admitted, plan, exchange, res);
        } catch (RuntimeException e) {
            GatewayException failure = mapper.map(req, e, exchange.requestId);
            exchange.failed(failure.error().status(), failure.error().code());
            exchange.settle();
            if (!(e instanceof ClientGoneException)) {
                codec.errors().write(res, s.targetHeaders().shown(failure));
            }
        } finally {
            exchange.settle(); // unless an answer did (Exchange#settle): an Error, a stream without closing events
        }
    }

    /**
     * The one place a request is settled: its usage row (priced and charged by the ticket, if it was admitted), and
     * its metrics. Run by {@link Exchange#settle}, before the client has the answer.
     */
    private void settle(Exchange exchange, Admission.Ticket ticket) {
        if (ticket != null) {
            ticket.settle(exchange.toUsage());
        } else {
            s.admission().refused(exchange.toUsage());
        }
        exchange.report(s.metrics());
    }
}
