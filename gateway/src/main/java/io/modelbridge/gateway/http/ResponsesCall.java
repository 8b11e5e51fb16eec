package io.modelbridge.gateway.http;

import io.modelbridge.gateway.error.GatewayException;

/**
 * A Responses API request both ways: translated into chat for the channels that need it ({@code translated}, null
 * when the request cannot be translated: {@code untranslatable} says why, e.g. a built-in tool), and as the client's
 * body for the channels that serve the Responses API natively.
 */
record ResponsesCall(ChatCall translated, GatewayException untranslatable, NativeResponsesRequest nativeRequest) {

    /** The call with its output tokens limited to {@code tokens} (admission's lowered default). */
    ResponsesCall withMaxOutputTokens(int tokens) {
        ChatCall chat = translated == null ? null
                : new ChatCall(translated.request().withMaxTokens(tokens), translated.answers());
        return new ResponsesCall(chat, untranslatable, nativeRequest.withMaxOutputTokens(tokens));
    }

    /** The translated call, for a channel that does not serve the Responses API natively; else the 400 it is. */
    ChatCall translatedOrThrow() {
        if (translated == null) {
            throw untranslatable;
        }
        return translated;
    }
}
