package io.modelbridge.gateway.plugin;

import java.util.List;

/**
 * What a plugin jar holds, read with bounded reads before PF4J opens it.
 *
 * @param classes     the names of every class in the jar ({@code a.b.C})
 * @param ownPackages the packages of its Plugin-Class and extensions: the plugin's own code, checked in full
 */
record JarContents(String pluginId, String version, List<String> classes, List<String> ownPackages) {}
