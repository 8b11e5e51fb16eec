package io.modelbridge.gateway.responses;

import java.util.List;
import java.util.Optional;

/**
 * The Responses API's stored responses, in PostgreSQL. A response another user owns, or one past the operator's
 * retention, is treated as absent everywhere: callers cannot tell it from one that never existed.
 */
public interface ResponseStore {

    /** Keeps a response; one larger than the configured size cap is refused with a 400 GatewayException. */
    void save(StoredResponse response);

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
}
