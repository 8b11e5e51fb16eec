package io.modelbridge.db.repo;

import java.time.Instant;

/** An invite code for sign-up when registration is "invite"; usable {@code maxUses} times until it expires. */
public record PortalInvite(String code, int maxUses, int uses, Instant expiresAt, Instant createdAt) {}
