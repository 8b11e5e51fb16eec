package io.modelbridge.spi;

/**
 * {@code tool_choice}: a mode, or one named function.
 *
 * @param mode     {@code auto}, {@code none}, {@code required}, or {@code function}
 * @param function the function name when mode is {@code function}, else null
 */
public record ToolChoice(String mode, String function) {
    public static ToolChoice named(String function) {
        return new ToolChoice("function", function);
    }
}
