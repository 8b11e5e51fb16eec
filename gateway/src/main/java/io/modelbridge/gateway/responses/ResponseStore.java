package io.modelbridge.gateway.responses;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The Responses API's stored responses, in PostgreSQL. A response another user owns, or one past the operator's
 * retention, is treated as absent everywhere: callers cannot tell it from one that never existed.
 */
public interface ResponseStore {

    /**
     * Keeps a response until the operator's retention ends. False when it was not kept: it is larger than the size
     * cap (MB_RESPONSES_MAX_BYTES, logged), or storing is off (MB_RESPONSES_RETENTION_DAYS=0). Not an error: the
     * client already has its answer (and was billed), and a later GET or previous_response_id of it answers 404.
     */
    boolean save(StoredResponse response);

    /** The response if this user owns it and it is within retention. */
    Optional<StoredResponse> find(String id, long userId);

    /** Deletes the response if this user owns it; false when there was none to delete. */
    boolean delete(String id, long userId);

    /**
     * The conversation that ends with {@code id}: it and the responses it continued (following
     * {@code previousResponseId}), oldest first. Empty when {@code id} is absent for this user. The chain's length and
     * total size are bounded; a chain beyond the bound is a 400 GatewayException.
     */
    List<StoredResponse> conversation(String id, long userId);

    /**
     * This user's responses (within retention) that hold an item (input or output) with one of these ids: what input
     * items of type {@code item_reference} name. An id that several responses hold (a client resent the item) is found
     * in the newest. What is read is bounded as a conversation is (eight times MB_RESPONSES_MAX_BYTES together);
     * beyond it, a 400 GatewayException.
     */
    List<StoredResponse> holding(Collection<String> itemIds, long userId);
}
