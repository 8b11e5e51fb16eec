package io.modelbridge.admin.commands;

import io.modelbridge.admin.repl.LiveValues;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/** Completion candidates for option and parameter values; the live ones ask the server when iterated. */
public final class Candidates {
    private Candidates() {}

    /** Values fetched from the server at completion time (the console completes with them). */
    public abstract static class Live implements Iterable<String> {
        private final Supplier<LiveValues> values;
        private final Function<LiveValues, List<String>> fetch;

        protected Live(Supplier<LiveValues> values, Function<LiveValues, List<String>> fetch) {
            this.values = values;
            this.fetch = fetch;
        }

        @Override
        public Iterator<String> iterator() {
            return fetch.apply(values.get()).iterator();
        }
    }

    public static final class Users extends Live {
        public Users(Supplier<LiveValues> values) {
            super(values, LiveValues::users);
        }
    }

    public static final class Channels extends Live {
        public Channels(Supplier<LiveValues> values) {
            super(values, LiveValues::channels);
        }
    }

    public static final class Providers extends Live {
        public Providers(Supplier<LiveValues> values) {
            super(values, LiveValues::providers);
        }
    }

    public static final class Aliases extends Live {
        public Aliases(Supplier<LiveValues> values) {
            super(values, LiveValues::aliases);
        }
    }

    /** Aliases and channel models: what a key, a limit, a price or a usage filter can name. */
    public static final class ServedModels extends Live {
        public ServedModels(Supplier<LiveValues> values) {
            super(values, LiveValues::servedModels);
        }
    }

    /** The served models, then the plugins' catalogues: for a channel's models. */
    public static final class Models extends Live {
        public Models(Supplier<LiveValues> values) {
            super(values, LiveValues::models);
        }
    }

    public static final class KeyIds extends Live {
        public KeyIds(Supplier<LiveValues> values) {
            super(values, LiveValues::keyIds);
        }
    }

    public static final class InviteCodes extends Live {
        public InviteCodes(Supplier<LiveValues> values) {
            super(values, LiveValues::inviteCodes);
        }
    }

    public static final class Plugins extends Live {
        public Plugins(Supplier<LiveValues> values) {
            super(values, LiveValues::plugins);
        }
    }

    public static final class Roles implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("user", "admin").iterator();
        }
    }

    public static final class Groupings implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("user", "key", "model", "channel", "dialect").iterator();
        }
    }

    public static final class Periods implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return List.of("1h", "24h", "7d", "30d").iterator();
        }
    }
}
