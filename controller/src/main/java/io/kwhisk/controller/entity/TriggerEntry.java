package io.kwhisk.controller.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * A stored trigger, OpenWhisk's {@code WhiskTrigger} less its {@code rules}: which rules fire on it
 * is read from the rules themselves ({@link RuleEntry#trigger}), so a rule is one write and never
 * two documents to keep in step. {@code parameters} are the defaults a fire's payload is merged
 * over.
 */
public record TriggerEntry(
    String namespace,
    String name,
    Map<String, JsonNode> parameters,
    Map<String, JsonNode> annotations,
    String version,
    boolean publish,
    long updated) {

  public TriggerEntry {
    EntityFields.requireNamed(namespace, name);
    parameters = EntityFields.ordered(parameters);
    annotations = EntityFields.ordered(annotations);
    version = EntityFields.version(version);
  }

  @JsonIgnore
  public String key() {
    return EntityKeys.of(EntityKeys.TRIGGER, namespace, name);
  }
}
