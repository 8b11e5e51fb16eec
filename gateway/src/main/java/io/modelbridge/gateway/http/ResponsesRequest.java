package io.modelbridge.gateway.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.spi.ChatRequest;

/**
 * An OpenAI Responses API request as the gateway understood it.
 *
 * @param chat               the request in canonical form (instructions as the first system message)
 * @param echo               the request fields OpenAI echoes in the response object, with OpenAI's defaults for those
 *                           not sent
 * @param input              this turn's input as Responses items (a string input as one user message item)
 * @param store              {@code store}: OpenAI's default is true
 * @param previousResponseId {@code previous_response_id}, or null
 */
record ResponsesRequest(ChatRequest chat, ObjectNode echo, ArrayNode input, boolean store, String previousResponseId) {
}
