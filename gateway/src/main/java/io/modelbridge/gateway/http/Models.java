package io.modelbridge.gateway.http;

import io.modelbridge.gateway.auth.Caller;
import io.modelbridge.gateway.error.ApiError;
import io.modelbridge.gateway.error.GatewayException;
import io.modelbridge.gateway.routing.Target;
import java.util.List;

/** Model resolution shared by the chat and embeddings handlers. */
final class Models {
    private Models() {}

    /** The targets for a model the caller may use: 404 when unknown, 403 when the key may not use it. */
    static List<Target> plan(ApiServices s, Caller caller, String model) {
        List<Target> plan = s.routes().get().plan(model).orElseThrow(() -> new GatewayException(ApiError.modelNotFound(model)));
        if (!caller.mayUse(model)) {
            throw new GatewayException(ApiError.forbidden("model_not_allowed",
                    "This API key is not allowed to use the model `" + model + "`."));
        }
        return plan;
    }
}
