package io.modelbridge.gateway.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ClientGoneException;
import io.modelbridge.gateway.error.ErrorMapper;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.limits.BodyMemory;
import io.modelbridge.spi.ChatRequest;

/**
 * {@code POST /v1/messages/count_tokens}: {@code {"input_tokens": N}}, the gateway's own count of the prompt (the
 * same count admission reserves by). Authenticated, and the key must be allowed the model; no upstream is called, so
 * nothing is billed, no usage row is written and no rate limit is taken: the work is bounded by the body size limit.
 */
final class AnthropicCountTokens implements Handler {
    private final ApiServices s;
    private final AnthropicMessagesCodec codec;
    private final ErrorMapper mapper = new ErrorMapper();

    AnthropicCountTokens(ApiServices services, AnthropicMessagesCodec codec) {
        this.s = services;
        this.codec = codec;
    }

    @Override
    public void handle(ServerRequest req, ServerResponse res) {
        try (BodyMemory.Hold memory = s.bodyMemory().hold()) {
            Caller caller = s.auth().authenticate(codec.credential(req), ClientAddress.of(req));
            JsonNode body = RequestBodies.readJson(req, s.json(), s.maxBodyBytes(), memory);
            ChatRequest chat = codec.parser().parse(body, false);
            Models.plan(s, caller, chat.model());
            byte[] answer = s.json().writeValueAsBytes(
                    s.json().createObjectNode().put("input_tokens", s.tokens().prompt(chat)));
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(answer);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        } catch (ClientGoneException e) {
            // nobody left to answer
        } catch (RuntimeException e) {
            String requestId = res.headers().first(RequestIds.OWN_HEADER).orElse("-");
            codec.errors().write(res, s.targetHeaders().shown(mapper.map(req, e, requestId)));
        }
    }
}
