package io.modelbridge.db.repo;

import java.util.List;

/** A model alias (the {@code model} a client sends) and its targets; description may be null. */
public record Alias(long id, String name, String description, List<AliasTarget> targets) {
    public Alias {
        targets = List.copyOf(targets);
    }
}
