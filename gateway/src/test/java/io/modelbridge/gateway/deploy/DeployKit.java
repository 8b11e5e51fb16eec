package io.modelbridge.gateway.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The deploy kit under scripts/deploy, read as the tests need it. */
final class DeployKit {
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    static final Path DIR = REPO.resolve("scripts/deploy");
    private static final YAMLMapper YAML = new YAMLMapper();

    private DeployKit() {}

    static JsonNode compose() {
        return yaml(DIR.resolve("compose.yaml")).getFirst();
    }

    /** Every document of a (multi-document) YAML file. */
    static List<JsonNode> yaml(Path file) {
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
            return docs.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode k8s(String file) {
        return yaml(DIR.resolve("k8s").resolve(file)).getFirst();
    }

    static String text(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The compose services that run the gateway (those with MB_INSTANCE_ID), by name. */
    static Map<String, Map<String, String>> gatewayServices() {
        Map<String, Map<String, String>> gateways = new LinkedHashMap<>();
        compose().get("services").properties().forEach(service -> {
            JsonNode env = service.getValue().path("environment");
            if (env.has("MB_INSTANCE_ID")) {
                gateways.put(service.getKey(), strings(env));
            }
        });
        return gateways;
    }

    static Map<String, String> strings(JsonNode object) {
        Map<String, String> values = new LinkedHashMap<>();
        object.properties().forEach(e -> values.put(e.getKey(), e.getValue().asText()));
        return values;
    }

    /** The lines of a text file, without comments and blank lines. */
    static List<String> lines(Path file) {
        List<String> lines = new ArrayList<>();
        for (String line : text(file).split("\n")) {
            String code = line.replaceFirst("\\s#.*$", "").strip();
            if (!code.isEmpty() && !code.startsWith("#")) {
                lines.add(code);
            }
        }
        return lines;
    }
}
