package io.modelbridge.spi;

import java.util.Map;

/**
 * A function tool offered to the model.
 *
 * @param parameters the JSON schema of the arguments (Map/List/String/Number/Boolean values), empty if none
 * @param strict     OpenAI's structured-outputs flag, or null
 */
public record ToolDefinition(String name, String description, Map<String, Object> parameters, Boolean strict) {
    public ToolDefinition {
        parameters = JsonValues.copy(parameters);
    }
}
