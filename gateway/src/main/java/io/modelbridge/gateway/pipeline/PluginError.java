package io.modelbridge.gateway.pipeline;

/**
 * An {@link Error} thrown by plugin code (a class missing from its jar, a linkage or initialisation failure), carried
 * as an ordinary plugin failure: it fails that attempt, not the gateway. {@link VirtualMachineError}s (out of
 * memory, stack overflow) are never wrapped: they concern the whole process.
 */
final class PluginError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private PluginError(Error cause) {
        super(cause.toString(), cause);
    }

    /** Rethrows {@code e} wrapped when it is a plugin's own failure, as is otherwise. */
    static RuntimeException wrap(Error e) {
        if (e instanceof VirtualMachineError) {
            throw e;
        }
        return new PluginError(e);
    }
}
