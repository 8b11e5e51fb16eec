package io.modelbridge.gateway.http;

import io.helidon.webserver.http.ServerResponse;
import io.modelbridge.gateway.routing.Target;
import java.util.List;
import java.util.Optional;

/**
 * One kind of call (chat, embeddings), on canonical types only: what admission needs to know of it, and how it is
 * served (failover over the plan, then the answer, through the call's own dialect encoder). It fills in the
 * {@link Exchange}; {@link RequestPipeline} does everything around it, settlement included.
 */
interface Operation<C> {

    String model(C call);

    boolean stream(C call);

    /** The gateway's count of the prompt's tokens; called only once the request limits let the call through. */
    int countPrompt(C call);

    /** The most tokens the call may produce, empty when the client set no limit. */
    Optional<Integer> maxTokens(C call);

    /**
     * The call with its completion tokens (all choices together) limited to {@code tokens}: admission lowers them
     * when the client set no limit and the user's balance covers less than the default.
     */
    C limitCompletion(C call, int tokens);

    /** Serves an admitted call; a failure before anything reached the client is thrown. */
    void serve(C call, List<Target> plan, Exchange exchange, ServerResponse res);
}
