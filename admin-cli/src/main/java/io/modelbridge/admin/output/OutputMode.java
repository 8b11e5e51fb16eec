package io.modelbridge.admin.output;

/** {@code table} for people, {@code json} (the admin API's own JSON) for scripts. */
public enum OutputMode {
    TABLE, JSON
}
