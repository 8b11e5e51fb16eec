package io.modelbridge.spi;

/** Features an adapter implements. */
public enum Capability { CHAT, STREAM, TOOLS, EMBEDDINGS }
