package io.kwhisk.controller.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * An alarm of the built-in alarms feed: fire trigger {@code trigger} of {@code namespace} with
 * {@code payload} on a {@code cron} schedule, every {@code intervalMinutes} from {@code created},
 * or {@code once} (epoch millis): exactly one of the three is set. Written when a trigger with the
 * alarms feed is created, deleted with it.
 */
public record AlarmEntry(
    String namespace,
    String trigger,
    String cron,
    Integer intervalMinutes,
    Long once,
    Map<String, JsonNode> payload,
    long created) {

  public AlarmEntry {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(trigger, "trigger should not be null");
    payload =
        payload == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(payload));
  }

  @JsonIgnore
  public String key() {
    return EntityKeys.of(EntityKeys.ALARM, namespace, trigger);
  }
}
