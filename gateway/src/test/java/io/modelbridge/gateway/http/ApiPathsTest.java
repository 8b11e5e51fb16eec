package io.modelbridge.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiPathsTest {
    /** What PathCleanup will serve: runs of slashes as one; an API call is /v1 or under it. */
    private static boolean servedAsApi(String rawPath) {
        String path = rawPath.replaceAll("/{2,}", "/");
        return path.equals("/v1") || path.startsWith("/v1/");
    }

    @Test
    void aPathIsAnApiCallExactlyWhenItsCleanedUpFormIsV1OrUnderIt() {
        for (String path : List.of("/v1", "/v1/", "/v1/chat/completions", "//v1", "///v1//chat", "/v1//", "/", "",
                "//", "/v1x", "/v10/models", "/v2/chat", "/V1/models", "v1", "v1/models", "/portal", "/healthz",
                "/x/v1/models", "/v", "//v")) {
            assertEquals(servedAsApi(path), ApiPaths.isApi(path), path);
        }
    }
}
