package io.modelbridge.db.repo;

import java.time.Instant;

/** One audit row; {@code detailJson} is a JSON object (never secrets), objectName may be null. */
public record AuditEntry(long id, Instant at, String actor, String action, String objectType, String objectName,
                         String detailJson) {}
