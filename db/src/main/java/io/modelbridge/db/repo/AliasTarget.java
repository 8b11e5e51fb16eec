package io.modelbridge.db.repo;

/**
 * One target of an alias: a channel and the model name sent upstream (null: the alias name itself).
 * Lower priority is tried first; within a priority, targets are picked by weight.
 */
public record AliasTarget(String channel, String upstreamModel, int priority, int weight) {}
