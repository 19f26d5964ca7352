package io.kwhisk.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A stored action. {@code revision} changes on every update, so containers and activations can tell
 * which code they belong to. {@code parameters} are the defaults merged under each invocation's
 * parameters; those named in {@code initParameters} (OpenWhisk's {@code "init": true}) go to the
 * container's {@code /init} environment instead of each run's parameters. {@code annotations} are
 * free-form. {@code instances} bounds the number of containers the action may have at once.
 */
public record Action(
    String namespace,
    String name,
    String revision,
    String version,
    Exec exec,
    Map<String, JsonNode> parameters,
    Map<String, JsonNode> annotations,
    ActionLimits limits,
    int instances,
    boolean publish,
    long updated,
    Set<String> initParameters) {

  public static final int DEFAULT_INSTANCES = 64;

  public Action {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(name, "name should not be null");
    Objects.requireNonNull(revision, "revision should not be null");
    Objects.requireNonNull(exec, "exec should not be null");
    parameters =
        parameters == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    annotations =
        annotations == null
            ? Map.of()
            : Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    limits = limits == null ? ActionLimits.DEFAULT : limits;
    version = version == null ? "0.0.1" : version;
    instances = instances <= 0 ? DEFAULT_INSTANCES : instances;
    initParameters = initParameters == null ? Set.of() : Set.copyOf(initParameters);
  }

  /** An action without init parameters. */
  public Action(
      String namespace,
      String name,
      String revision,
      String version,
      Exec exec,
      Map<String, JsonNode> parameters,
      Map<String, JsonNode> annotations,
      ActionLimits limits,
      int instances,
      boolean publish,
      long updated) {
    this(
        namespace,
        name,
        revision,
        version,
        exec,
        parameters,
        annotations,
        limits,
        instances,
        publish,
        updated,
        Set.of());
  }

  /**
   * This action with another exec (its code moved out of line or back inline), all else the same.
   */
  public Action withExec(Exec other) {
    return new Action(
        namespace,
        name,
        revision,
        version,
        other,
        parameters,
        annotations,
        limits,
        instances,
        publish,
        updated,
        initParameters);
  }

  @JsonIgnore
  public FullyQualifiedName fqn() {
    return new FullyQualifiedName(namespace, name);
  }
}
