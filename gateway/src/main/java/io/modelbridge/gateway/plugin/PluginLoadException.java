package io.modelbridge.gateway.plugin;

import java.io.IOException;
import java.nio.file.Path;

/** A plugin jar was refused; the message is the one line an operator needs. */
final class PluginLoadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String pluginId;
    private final String version;
    private final boolean notTheJars;

    PluginLoadException(String pluginId, String version, String message, Throwable cause) {
        this(pluginId, version, message, cause, false);
    }

    private PluginLoadException(String pluginId, String version, String message, Throwable cause, boolean notTheJars) {
        super(message, cause);
        this.pluginId = pluginId;
        this.version = version;
        this.notTheJars = notTheJars;
    }

    /** The jar could not be copied into the staging folder (a full disk, say): no fault of the jar's. */
    static PluginLoadException stagingFailed(Path stagingDir, IOException e) {
        return new PluginLoadException(null, null, "cannot copy it into " + stagingDir + ": " + JarLoader.message(e)
                + " (tried again at every scan)", e, true);
    }

    /** Whether the failure was ours, not the jar's: the jar is then neither refused nor renamed, and tried again. */
    boolean notTheJars() {
        return notTheJars;
    }

    String pluginId() {
        return pluginId;
    }

    String version() {
        return version;
    }
}
