package io.modelbridge.db.repo;

import java.time.LocalDate;

/** One UTC day's requests and tokens (prompt + completion) for one alias; alias is null for unrouted requests. */
public record DailyUsage(LocalDate day, String alias, long requests, long tokens) {}
