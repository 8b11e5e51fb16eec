package io.modelbridge.gateway.plugin;

/** A plugin jar was refused; the message is the one line an operator needs. */
final class PluginLoadException extends Exception {
    private static final long serialVersionUID = 1L;
    private final String pluginId;
    private final String version;

    PluginLoadException(String pluginId, String version, String message, Throwable cause) {
        super(message, cause);
        this.pluginId = pluginId;
        this.version = version;
    }

    String pluginId() {
        return pluginId;
    }

    String version() {
        return version;
    }
}
