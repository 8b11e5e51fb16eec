package io.modelbridge.db.repo;

/** What usage totals are grouped by: the user's name, the key id, the alias asked for, the channel, the client API. */
public enum UsageGrouping { USER, KEY, MODEL, CHANNEL, DIALECT }
