package io.modelbridge.admin.commands;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The admin API fields an option sets, where their names are not the option's ({@code --input} sets
 * {@code input_per_1k}): a refusal that names such a field then also names the option.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.PARAMETER, ElementType.FIELD})
public @interface SetsField {
    String[] value();
}
