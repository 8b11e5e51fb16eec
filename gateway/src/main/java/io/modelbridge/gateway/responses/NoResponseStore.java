package io.modelbridge.gateway.responses;

import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** A store that keeps nothing: for wiring without a database (every request behaves as {@code store: false}). */
public final class NoResponseStore implements ResponseStore {

    @Override
    public boolean save(StoredResponse response) {
        return false;
    }

    @Override
    public Optional<StoredResponse> find(String id, long userId) {
        return Optional.empty();
    }

    @Override
    public boolean delete(String id, long userId) {
        return false;
    }

    @Override
    public List<StoredResponse> conversation(String id, long userId) {
        return List.of();
    }

    @Override
    public List<StoredResponse> holding(Collection<String> itemIds, long userId) {
        return List.of();
    }
}
