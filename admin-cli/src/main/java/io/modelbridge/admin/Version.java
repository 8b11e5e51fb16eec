package io.modelbridge.admin;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar's manifest (absent when run from classes). */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Version.class.getPackage().getImplementationVersion();
        return new String[] {"mbctl " + (version == null ? "(development build)" : version)};
    }
}
