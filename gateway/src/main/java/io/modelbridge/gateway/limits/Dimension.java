package io.modelbridge.gateway.limits;

/** What a limit counts per minute, with the words OpenAI uses for it in headers and messages. */
public enum Dimension {
    REQUESTS("requests", "RPM"),
    TOKENS("tokens", "TPM");

    private final String header;
    private final String abbreviation;

    Dimension(String header, String abbreviation) {
        this.header = header;
        this.abbreviation = abbreviation;
    }

    /** The suffix of the x-ratelimit-* headers and the error {@code type}: "requests" or "tokens". */
    public String header() {
        return header;
    }

    String describe() {
        return header + " per min (" + abbreviation + ")";
    }
}
