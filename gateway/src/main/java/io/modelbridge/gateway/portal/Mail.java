package io.modelbridge.gateway.portal;

/** A plain-text message to one address. */
record Mail(String to, String subject, String text) {}
