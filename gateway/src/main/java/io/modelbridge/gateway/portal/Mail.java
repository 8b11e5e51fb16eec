package io.modelbridge.gateway.portal;

/** A plain-text message to one address, in the form {@link EmailAddresses} accepts. */
record Mail(String to, String subject, String text) {
    Mail {
        if (!EmailAddresses.isNormalized(to)) {
            throw new IllegalArgumentException("a portal mail goes to exactly one plain address");
        }
    }
}
