package io.modelbridge.gateway.http;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.DatabaseOutage;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.ids.RandomIds;
import io.modelbridge.gateway.pipeline.Admission;
import io.modelbridge.gateway.pipeline.ClientGoneException;
import io.modelbridge.gateway.pipeline.RequestContext;
import io.modelbridge.gateway.pipeline.ServingTarget;
import io.modelbridge.gateway.pipeline.UpstreamResult;
import io.modelbridge.gateway.routing.Target;
import io.modelbridge.spi.ChatRequest;
import io.modelbridge.spi.ChatResponse;
import io.modelbridge.spi.Usage;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /v1/chat/completions: authenticate, parse, resolve the model, admit (rate limits, quota reservation), call
 * a target with failover, relay the answer (JSON or SSE), bill what was delivered, and leave one usage row.
 */
final class ChatHandler implements Handler {
    private static final Logger LOG = LoggerFactory.getLogger(ChatHandler.class);
    private final ApiServices s;
    private final ChatRequestParser parser;

    ChatHandler(ApiServices services) {
        this.s = services;
        this.parser = new ChatRequestParser(services.json());
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        CallRecord call = CallRecord.start(req, s.clock().instant());
        call.identify(res);
        Admission.Ticket ticket = null;
        try (RequestContext.Scope scope = RequestContext.open(call.logName())) {
            call.caller = s.auth().authenticate(req.headers().first(HeaderNames.AUTHORIZATION), ClientAddress.of(req));
            ChatRequest asked = parser.parse(RequestBodies.readJson(req, s.json(), s.maxBodyBytes()));
            call.model = asked.model();
            call.stream = asked.stream();
            List<Target> plan = Models.plan(s, call.caller, asked.model());
            ticket = s.admission().admit(call.caller, asked.model(), call.requestId, () -> s.tokens().prompt(asked),
                    maxTokens(asked));
            ChatRequest chat = limited(asked, ticket.completionLimit());
            call.promptTokens = ticket.promptTokens();
            ticket.headers().forEach((k, v) -> res.header(HeaderNames.create(k), v));
            if (chat.stream()) {
                stream(chat, plan, call, res);
            } else {
                complete(chat, plan, call, res);
            }
        } catch (GatewayException e) {
            call.failed(e.error().status(), e.error().code());
            s.errors().write(res, e);
        } catch (ClientGoneException e) {
            call.failed(499, "client_closed_request");
        } catch (RuntimeException e) {
            Optional<GatewayException> outage = DatabaseOutage.of(e);
            if (outage.isPresent()) {
                LOG.warn("Request {} refused: the database is unavailable ({})", call.requestId, e.getMessage());
                call.failed(503, DatabaseOutage.CODE);
                s.errors().write(res, outage.get());
            } else {
                LOG.error("Request {} failed unexpectedly", call.requestId, e);
                call.failed(500, "internal_error");
                s.errors().write(res, ApiError.internal(call.requestId), Map.of());
            }
        } finally {
            if (ticket != null) {
                call.cost = ticket.finish(call.billedPromptTokens(), call.billedCachedPromptTokens(),
                        call.billedCompletionTokens());
                ticket.record(call.toUsage(), s.usage());
            } else {
                s.usage().record(call.toUsage());
            }
            call.report(s.metrics());
        }
    }

    /** The most completion tokens the request may produce: max_tokens for each of its n choices. */
    /** The request with max_tokens lowered to what the user's balance covers, when admission lowered it. */
    private static ChatRequest limited(ChatRequest chat, OptionalInt completionLimit) {
        if (completionLimit.isEmpty()) {
            return chat;
        }
        int n = chat.sampling() == null || chat.sampling().n() == null ? 1 : Math.max(1, chat.sampling().n());
        return chat.withMaxTokens(Math.max(1, completionLimit.getAsInt() / n));
    }

    private static Optional<Integer> maxTokens(ChatRequest chat) {
        Integer max = chat.sampling() == null ? null : chat.sampling().maxTokens();
        int n = chat.sampling() == null || chat.sampling().n() == null ? 1 : Math.max(1, chat.sampling().n());
        return Optional.ofNullable(max).map(m -> (int) Math.min((long) m * n, Integer.MAX_VALUE));
    }

    private void complete(ChatRequest chat, List<Target> plan, CallRecord call, ServerResponse res) {
        UpstreamResult<ChatResponse> served = s.failover().run(plan,
                (target, adapter, ctx) -> adapter.chat(chat.withModel(target.upstreamModel()), ctx),
                () -> true, serving -> call.target = serving.target());
        ChatResponse response = served.value();
        Usage usage = response.usage();
        if (usage == null) {
            int completion = response.choices().stream().mapToInt(c -> s.tokens().text(c.message().text())).sum();
            usage = Usage.of(call.promptTokens, completion);
            call.estimated = true;
        }
        call.tokens(usage);
        ResponseEncoder encoder = encoder(chat, false);
        targetHeaders(served.servedBy()).forEach((k, v) -> res.header(HeaderNames.create(k), v));
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        call.delivered = true;
        res.send(encoder.completion(response, usage));
    }

    private void stream(ChatRequest chat, List<Target> plan, CallRecord call, ServerResponse res) {
        AtomicReference<ServingTarget> current = new AtomicReference<>();
        StreamTally tally = new StreamTally(call.startNanos);
        SseRelay relay = new SseRelay(res, encoder(chat, chat.includeUsage()), s.errors(), chat.includeUsage(),
                () -> targetHeaders(current.get()), tally);
        try {
            s.failover().run(plan, (target, adapter, ctx) -> {
                adapter.stream(chat.withModel(target.upstreamModel()), ctx, relay);
                return null;
            }, () -> !relay.committed(), serving -> {
                current.set(serving);
                call.target = serving.target();
            });
            settle(call, tally);
            relay.finish(call.usage());
        } catch (GatewayException e) {
            if (!relay.committed()) {
                throw e;
            }
            settle(call, tally);
            call.failed(e.error().status(), e.error().code());
            relay.fail(e.error());
        } catch (ClientGoneException e) {
            settle(call, tally);
            throw e;
        } finally {
            call.ttftMillis = tally.ttftMillis();
            call.delivered = relay.committed();
        }
    }

    /** Bills what was delivered: the upstream's usage when it sent one, else our own count of the text. */
    private void settle(CallRecord call, StreamTally tally) {
        Usage reported = tally.reportedUsage();
        if (reported != null) {
            call.tokens(reported);
        } else {
            call.completionTokens = s.tokens().text(tally.completionText());
            call.estimated = true;
        }
    }

    private ResponseEncoder encoder(ChatRequest chat, boolean usageField) {
        return new ResponseEncoder(s.json(), "chatcmpl-" + RandomIds.base64Url(18),
                s.clock().instant().getEpochSecond(), chat.model(), usageField);
    }

    /** Which alias target, and which plugin version, served the request. */
    static Map<String, String> targetHeaders(ServingTarget servedBy) {
        return servedBy == null ? Map.of() : Map.of("x-modelbridge-channel", servedBy.target().channel().name(),
                "x-modelbridge-upstream-model", servedBy.target().upstreamModel(),
                "x-modelbridge-plugin", servedBy.plugin());
    }
}
