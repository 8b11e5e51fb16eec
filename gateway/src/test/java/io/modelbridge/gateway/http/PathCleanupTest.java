package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

class PathCleanupTest {
    @Test
    void runsOfSlashesAndATrailingSlashGo() {
        assertEquals("/v1/chat/completions", PathCleanup.clean("//v1//chat///completions/"));
        assertEquals("/v1/models", PathCleanup.clean("/v1/models/"));
        assertEquals("/", PathCleanup.clean("//"));
        assertEquals("/", PathCleanup.clean("/"));
    }

    @Test
    void aCleanPathIsServedAsItIs() {
        String path = "/v1/chat/completions";
        assertSame(path, PathCleanup.clean(path));
    }
}
