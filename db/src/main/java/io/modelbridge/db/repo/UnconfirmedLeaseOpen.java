package io.modelbridge.db.repo;

import org.jooq.exception.DataAccessException;

/**
 * A lease open failed after its row was inserted, at or after its COMMIT: the server may have committed it (only its
 * answer was lost), so lease {@link #leaseId()} may be open, holding the user's credits, though its holder never
 * learned of it.
 */
public final class UnconfirmedLeaseOpen extends DataAccessException {
    private static final long serialVersionUID = 1L;
    private final long leaseId;

    UnconfirmedLeaseOpen(long leaseId, DataAccessException cause) {
        super("the open of quota lease " + leaseId + " was not confirmed: " + cause.getMessage(), cause);
        this.leaseId = leaseId;
    }

    public long leaseId() {
        return leaseId;
    }
}
