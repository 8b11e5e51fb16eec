package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PathCleanupTest {
    @Test
    void runsOfSlashesAndATrailingSlashGo() {
        assertEquals("/v1/chat/completions", PathCleanup.clean("//v1//chat///completions/"));
        assertEquals("/v1/models", PathCleanup.clean("/v1/models/"));
        assertEquals("/", PathCleanup.clean("//"));
        assertEquals("/", PathCleanup.clean("/"));
        assertEquals("/v1/chat/completions", PathCleanup.clean("/v1/chat/completions"));
    }
}
