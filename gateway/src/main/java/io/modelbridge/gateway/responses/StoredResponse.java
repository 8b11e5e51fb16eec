package io.modelbridge.gateway.responses;

import java.time.Instant;

/**
 * One answer of the OpenAI Responses API kept because the request said {@code store: true} (OpenAI's default).
 *
 * @param id                 the {@code resp_...} id the client was given
 * @param userId             the owner: only keys of this user may read, chain to or delete it
 * @param keyId              the key that created it
 * @param model              the model as the client named it
 * @param previousResponseId the response this one continued ({@code previous_response_id}), or null
 * @param inputItemsJson     this turn's input as a JSON array of Responses input items, each with its {@code id}
 *                           ({@code instructions} are not items: they stay in the response object)
 * @param responseJson       the response object as the client received it, as JSON
 * @param createdAt          when it was stored
 */
public record StoredResponse(String id, long userId, long keyId, String model, String previousResponseId,
                             String inputItemsJson, String responseJson, Instant createdAt) {
}
