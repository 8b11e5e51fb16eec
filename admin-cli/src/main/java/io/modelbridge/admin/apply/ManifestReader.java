package io.modelbridge.admin.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.modelbridge.admin.InputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an apply file strictly: YAML (JSON is YAML too), {@code ${ENV_VAR}} replaced in every string, unknown
 * fields and wrong types refused with the field's path ({@code channels[0].base_url}), required fields checked.
 */
final class ManifestReader {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();
    private final Map<String, String> env;

    ManifestReader(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    Manifest read(Path file) {
        JsonNode tree;
        try {
            tree = YAML.readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new InputException("apply file " + file + " does not exist.");
        } catch (JsonProcessingException e) {
            throw new InputException("apply file " + file + " is not valid YAML: " + e.getOriginalMessage()
                    + location(e));
        } catch (IOException e) {
            throw new InputException("cannot read apply file " + file + ": " + e.getMessage());
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw new InputException("apply file " + file + " is empty.");
        }
        if (!tree.isObject()) {
            throw new InputException("apply file " + file + " must be a mapping with users, channels, aliases, "
                    + "limits, prices, keys and portal.");
        }
        JsonNode resolved = substitute(tree, "");
        Manifest manifest;
        try {
            manifest = MAPPER.treeToValue(resolved, Manifest.class);
        } catch (UnrecognizedPropertyException e) {
            throw new InputException("apply file " + file + ": unknown field '" + path(e) + "' (allowed here: "
                    + String.join(", ", e.getKnownPropertyIds().stream().map(Object::toString).sorted().toList())
                    + ").");
        } catch (JsonMappingException e) {
            throw new InputException("apply file " + file + ": '" + path(e) + "' has the wrong type: "
                    + e.getOriginalMessage().split("\n")[0]);
        } catch (JsonProcessingException e) {
            throw new InputException("apply file " + file + ": " + e.getOriginalMessage());
        }
        ManifestChecks.check(manifest, file);
        return manifest;
    }

    /** A copy with ${VAR} replaced in every string; an unset variable is an error naming the field. */
    private JsonNode substitute(JsonNode node, String path) {
        if (node.isTextual()) {
            Matcher m = VARIABLE.matcher(node.asText());
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String value = env.get(m.group(1));
                if (value == null) {
                    throw new InputException("apply file: '" + path + "' uses ${" + m.group(1)
                            + "}, but the environment variable " + m.group(1) + " is not set.");
                }
                m.appendReplacement(out, Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return TextNode.valueOf(out.toString());
        }
        if (node.isArray()) {
            ArrayNode copy = MAPPER.createArrayNode();
            for (int i = 0; i < node.size(); i++) {
                copy.add(substitute(node.get(i), path + "[" + i + "]"));
            }
            return copy;
        }
        if (node.isObject()) {
            ObjectNode copy = MAPPER.createObjectNode();
            node.properties().forEach(e -> copy.set(e.getKey(),
                    substitute(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey())));
            return copy;
        }
        return node;
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String location(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }
}
