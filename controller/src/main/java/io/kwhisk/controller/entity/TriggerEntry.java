package io.kwhisk.controller.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A stored trigger, OpenWhisk's {@code WhiskTrigger} less its {@code rules}: which rules fire on it is read from the
 * rules themselves ({@link RuleEntry#trigger}), so a rule is one write and never two documents to keep in step.
 * {@code parameters} are the defaults a fire's payload is merged over.
 */
public record TriggerEntry(String namespace, String name, Map<String, JsonNode> parameters,
    Map<String, JsonNode> annotations, String version, boolean publish, long updated) {

  public TriggerEntry {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(name, "name should not be null");
    parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    version = version == null ? "0.0.1" : version;
  }

  @JsonIgnore
  public String key() {
    return EntityKeys.of(EntityKeys.TRIGGER, namespace, name);
  }
}
