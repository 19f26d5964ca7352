package io.kwhisk.controller.entity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The checks and defaults the stored entities' compact constructors share, as OpenWhisk's: a
 * namespace and a name are required, parameters and annotations keep their order and default to
 * none, the version to {@code 0.0.1}.
 */
final class EntityFields {
  static final String DEFAULT_VERSION = "0.0.1";

  private EntityFields() {}

  static void requireNamed(String namespace, String name) {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(name, "name should not be null");
  }

  /** An unmodifiable copy of {@code values} in its order; none when null. */
  static Map<String, JsonNode> ordered(Map<String, JsonNode> values) {
    return values == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(values));
  }

  static String version(String version) {
    return version == null ? DEFAULT_VERSION : version;
  }
}
