package io.modelbridge.gateway.error;

/**
 * An error as the client sees it: OpenAI's body {@code {"error":{"message","type","param","code"}}} and status.
 * {@code param} and {@code code} may be null, as in OpenAI's own errors.
 */
public record ApiError(int status, String type, String code, String param, String message) {

    public static ApiError invalidRequest(String message, String param) {
        return new ApiError(400, "invalid_request_error", null, param, message);
    }

    public static ApiError invalidValue(String message, String param) {
        return new ApiError(400, "invalid_request_error", "invalid_value", param, message);
    }

    public static ApiError invalidApiKey(String message) {
        return new ApiError(401, "invalid_request_error", "invalid_api_key", null, message);
    }

    public static ApiError forbidden(String code, String message) {
        return new ApiError(403, "permission_error", code, null, message);
    }

    public static ApiError notFound(String code, String message) {
        return new ApiError(404, "invalid_request_error", code, null, message);
    }

    public static ApiError modelNotFound(String model) {
        return notFound("model_not_found", "The model `" + model + "` does not exist or you do not have access to it.");
    }

    public static ApiError conflict(String message, String param) {
        return new ApiError(409, "invalid_request_error", "conflict", param, message);
    }

    public static ApiError tooLarge(long limit) {
        return new ApiError(413, "invalid_request_error", "request_too_large",
                null, "Request body is larger than the limit of " + limit + " bytes.");
    }

    public static ApiError serverError(int status, String code, String message) {
        return new ApiError(status, "server_error", code, null, message);
    }

    public static ApiError internal(String requestId) {
        return serverError(500, "internal_error",
                "The gateway had an error while processing your request (request id " + requestId + ").");
    }
}
