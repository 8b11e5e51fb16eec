package io.modelbridge.gateway.routing;

/** One way to serve a model: a channel and the model name sent upstream. */
public record Target(ChannelRoute channel, String upstreamModel, int priority, int weight) {}
