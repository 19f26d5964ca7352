package io.kwhisk.controller.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A stored rule, OpenWhisk's {@code WhiskRule}: when {@code trigger} fires and the rule is {@code
 * active}, its {@code action} (a name that may carry a package, possibly a binding) is invoked with
 * the fire's parameters.
 */
public record RuleEntry(
    String namespace,
    String name,
    FullyQualifiedName trigger,
    FullyQualifiedName action,
    boolean active,
    Map<String, JsonNode> annotations,
    String version,
    boolean publish,
    long updated) {

  public RuleEntry {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(name, "name should not be null");
    Objects.requireNonNull(trigger, "trigger should not be null");
    Objects.requireNonNull(action, "action should not be null");
    annotations =
        annotations == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    version = version == null ? "0.0.1" : version;
  }

  @JsonIgnore
  public String key() {
    return EntityKeys.of(EntityKeys.RULE, namespace, name);
  }

  /** This rule with its status set. */
  public RuleEntry withActive(boolean status, long now) {
    return new RuleEntry(
        namespace, name, trigger, action, status, annotations, version, publish, now);
  }
}
