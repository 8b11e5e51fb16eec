package io.modelbridge.gateway.it;

import static io.modelbridge.gateway.it.RunningGateway.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.testkit.openai.OpenAiSimulator;
import java.nio.file.Path;

/**
 * A gateway in this JVM with one channel, "sim" (the openai plugin), to an OpenAI simulator serving gpt-4o, and the
 * alias "smart" routed to it: the set-up of the tests that only need some traffic to flow.
 */
public record OneChannelGateway(OpenAiSimulator upstream, RunningGateway gateway, ApiCalls api)
        implements AutoCloseable {
    public static OneChannelGateway start(Path dataDir) {
        OpenAiSimulator upstream = OpenAiSimulator.start();
        RunningGateway gateway = RunningGateway.start(dataDir);
        ObjectNode channel = JSON.createObjectNode().put("name", "sim").put("provider", "openai")
                .put("credential", upstream.apiKey()).put("base_url", upstream.baseUri().toString());
        channel.putArray("models").add("gpt-4o");
        gateway.admin("POST", "/channels", channel);
        ObjectNode alias = JSON.createObjectNode();
        alias.putArray("targets").addObject().put("channel", "sim").put("model", "gpt-4o");
        gateway.admin("PUT", "/aliases/smart", alias);
        return new OneChannelGateway(upstream, gateway, new ApiCalls(gateway.api()));
    }

    @Override
    public void close() {
        gateway.close();
        upstream.close();
    }
}
