package io.modelbridge.admin;

import io.modelbridge.admin.commands.Candidates;
import io.modelbridge.admin.repl.LiveValues;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/** Creates command objects; live completion candidates get the session's values (fetched only when iterated). */
final class Factory implements IFactory {
    private final Supplier<LiveValues> live;

    Factory(Supplier<LiveValues> live) {
        this.live = live;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
        if (Candidates.Live.class.isAssignableFrom(cls)) {
            try {
                return cls.getConstructor(Supplier.class).newInstance(live);
            } catch (InvocationTargetException e) {
                throw e.getCause() instanceof Exception cause ? cause : e;
            }
        }
        return CommandLine.defaultFactory().create(cls);
    }
}
