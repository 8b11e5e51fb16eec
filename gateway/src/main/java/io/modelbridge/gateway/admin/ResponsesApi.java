package io.modelbridge.gateway.admin;

/** A channel's {@code responses_api} as the admin API spells it: "native" or "translate" (the default). */
final class ResponsesApi {
    static final String NATIVE = "native";
    static final String TRANSLATE = "translate";
    /** The one provider whose plugin passes a Responses API request through. */
    static final String NATIVE_PROVIDER = "openai";

    private ResponsesApi() {}

    static String of(boolean responsesNative) {
        return responsesNative ? NATIVE : TRANSLATE;
    }

    static boolean parse(String value) {
        return switch (value) {
            case NATIVE -> true;
            case TRANSLATE -> false;
            default -> throw FieldValidation.invalid("'responses_api' must be \"native\" or \"translate\".",
                    "responses_api");
        };
    }
}
