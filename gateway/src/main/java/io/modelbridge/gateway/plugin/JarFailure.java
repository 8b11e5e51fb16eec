package io.modelbridge.gateway.plugin;

import java.nio.file.Path;

/** A jar in the plugins folder that could not be loaded, and why (shown in the plugin listing). */
record JarFailure(Path jar, String pluginId, String version, String reason) {}
