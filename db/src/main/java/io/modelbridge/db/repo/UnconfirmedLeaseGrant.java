package io.modelbridge.db.repo;

import org.jooq.exception.DataAccessException;

/**
 * A lease grant failed after its write, at or after its COMMIT: the server may have committed it (only its answer was
 * lost). Lease {@link #leaseId()} may then be open though its holder never took it into use ({@link #opening()}), or
 * hold more of the user's credits than its holder knows (an extension).
 */
public final class UnconfirmedLeaseGrant extends DataAccessException {
    private static final long serialVersionUID = 1L;
    private final long leaseId;
    private final boolean opening;

    UnconfirmedLeaseGrant(long leaseId, boolean opening, DataAccessException cause) {
        super((opening ? "the open" : "an extension") + " of quota lease " + leaseId + " was not confirmed: "
                + cause.getMessage(), cause);
        this.leaseId = leaseId;
        this.opening = opening;
    }

    public long leaseId() {
        return leaseId;
    }

    public boolean opening() {
        return opening;
    }
}
