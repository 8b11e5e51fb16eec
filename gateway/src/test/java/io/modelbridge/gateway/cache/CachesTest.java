package io.modelbridge.gateway.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.benmanes.caffeine.cache.Cache;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class CachesTest {
    @Test
    void upkeepRunsOnTheThreadThatUsesTheCacheNeverOnAnotherOne() {
        Set<Thread> upkeepThreads = ConcurrentHashMap.newKeySet();
        Cache<Integer, Integer> cache = Caches.newBuilder()
                .maximumSize(100)
                .removalListener((key, value, cause) -> upkeepThreads.add(Thread.currentThread()))
                .build();

        for (int i = 0; i < 20_000; i++) {
            cache.put(i, i);
            cache.getIfPresent(i / 2);
        }
        cache.cleanUp();

        assertEquals(100, cache.estimatedSize());
        assertEquals(Set.of(Thread.currentThread()), upkeepThreads, "the threads that ran the upkeep");
    }

    @Test
    void everyCacheOfTheGatewayIsBuiltHere() throws IOException {
        Path sources = Path.of("src/main/java");
        try (Stream<Path> files = Files.walk(sources)) {
            List<String> elsewhere = files.filter(file -> file.toString().endsWith(".java"))
                    .filter(file -> !file.endsWith(Path.of("cache/Caches.java")))
                    .filter(file -> read(file).contains("Caffeine.newBuilder("))
                    .map(file -> sources.relativize(file).toString())
                    .toList();
            assertEquals(List.of(), elsewhere, "files that build a Caffeine cache without Caches");
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
