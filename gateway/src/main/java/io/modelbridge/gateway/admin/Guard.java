package io.modelbridge.gateway.admin;

import io.helidon.webserver.http.Handler;
import io.modelbridge.gateway.error.ErrorMapper;
import io.modelbridge.gateway.error.ErrorShape;
import java.util.UUID;

/** Turns every failure of an admin handler into an OpenAI-shaped error body, through the gateway's one mapper. */
final class Guard {
    private final ErrorShape errors;
    private final ErrorMapper mapper = new ErrorMapper();

    Guard(ErrorShape errors) {
        this.errors = errors;
    }

    Handler wrap(Handler handler) {
        return (req, res) -> {
            try {
                handler.handle(req, res);
            } catch (RuntimeException e) {
                errors.write(res, mapper.map(req, e, UUID.randomUUID().toString()));
            }
        };
    }
}
