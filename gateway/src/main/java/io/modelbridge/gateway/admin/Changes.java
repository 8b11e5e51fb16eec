package io.modelbridge.gateway.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelbridge.db.Database;
import io.modelbridge.db.repo.AuditRepository;
import io.modelbridge.gateway.cluster.ChangeFeed;
import io.modelbridge.gateway.cluster.ChangeListener;
import io.modelbridge.gateway.cluster.ChangeListener.Topic;
import java.time.Clock;
import java.util.Set;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one admin change: the change, its audit row and a NOTIFY of its topics in one transaction (PostgreSQL
 * delivers the notification to every instance's change feed at commit); then this instance's listener is told at
 * once, so the change is in force here by the time the admin call returns.
 */
public final class Changes {
    private static final Logger LOG = LoggerFactory.getLogger(Changes.class);
    static final String ACTOR = "admin";

    private final Database db;
    private final ChangeListener listener;
    private final JsonResponses responses;
    private final Clock clock;
    private final String actor;

    Changes(Database db, ChangeListener listener, JsonResponses responses, Clock clock) {
        this(db, listener, responses, clock, ACTOR);
    }

    private Changes(Database db, ChangeListener listener, JsonResponses responses, Clock clock, String actor) {
        this.db = db;
        this.listener = listener;
        this.responses = responses;
        this.clock = clock;
        this.actor = actor;
    }

    /** Changes made on behalf of someone other than the admin token's holder, e.g. "portal" for self-service. */
    public static Changes by(String actor, Database db, ChangeListener listener, ObjectMapper json, Clock clock) {
        return new Changes(db, listener, new JsonResponses(json), clock, actor);
    }

    /** The work of one change, given the transaction and where to record its audit row. */
    @FunctionalInterface
    public interface Work<T> {
        T run(DSLContext tx, Audit audit);
    }

    /** Records audit rows in the change's transaction. */
    public final class Audit {
        private final AuditRepository repository;

        private Audit(DSLContext tx) {
            this.repository = new AuditRepository(tx);
        }

        /** @param detail what changed, never a secret */
        public void record(String action, String objectType, String objectName, ObjectNode detail) {
            repository.record(clock.instant(), actor, action, objectType, objectName, responses.text(detail));
        }
    }

    public <T> T apply(Topic topic, Work<T> work) {
        return apply(Set.of(topic), work);
    }

    public <T> T apply(Set<Topic> topics, Work<T> work) {
        if (DryRun.active()) {
            return rolledBack(work);
        }
        T result = db.dsl().transactionResult(tx -> {
            T r = work.run(tx.dsl(), new Audit(tx.dsl()));
            topics.forEach(topic -> ChangeFeed.publish(tx.dsl(), db.schema(), topic));
            return r;
        });
        for (Topic topic : topics) {
            try {
                listener.changed(topic);
            } catch (RuntimeException e) { // the change is committed; a failing cache reload must not undo the reply
                LOG.error("A change listener failed on topic {}", topic, e);
            }
        }
        return result;
    }

    /**
     * A dry run ({@link DryRun}): the work runs in its transaction with every check the database makes, then the
     * transaction is rolled back; nothing is published, no listener is told.
     */
    private <T> T rolledBack(Work<T> work) {
        try {
            db.dsl().transaction(tx -> {
                throw new RolledBack(work.run(tx.dsl(), new Audit(tx.dsl())));
            });
        } catch (RolledBack done) {
            @SuppressWarnings("unchecked")
            T result = (T) done.result;
            return result;
        }
        throw new IllegalStateException("a dry run's transaction was not rolled back");
    }

    /** Ends a dry run's transaction with a rollback, carrying what the work returned. */
    private static final class RolledBack extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient Object result;

        RolledBack(Object result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    /** An audit row for an action that changes no table (a plugin reload). */
    void recordOnly(String action, String objectType, String objectName, ObjectNode detail) {
        db.dsl().transaction(tx -> new Audit(tx.dsl()).record(action, objectType, objectName, detail));
    }
}
