package io.kwhisk.controller.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import java.util.Objects;

/**
 * A stored package, OpenWhisk's {@code WhiskPackage}: a named group of actions in a namespace with
 * default parameters for them, or, when {@code binding} is set, a binding: a package of this
 * namespace that stands for {@code binding}'s package (possibly another namespace's public one) and
 * layers its own parameters over it. Actions of a package are stored as actions named {@code
 * <package>/<action>}; a binding holds none.
 */
public record PackageEntry(
    String namespace,
    String name,
    Binding binding,
    Map<String, JsonNode> parameters,
    Map<String, JsonNode> annotations,
    String version,
    boolean publish,
    long updated) {

  /** The package a binding stands for. */
  public record Binding(String namespace, String name) {
    public Binding {
      Objects.requireNonNull(namespace, "namespace should not be null");
      Objects.requireNonNull(name, "name should not be null");
    }
  }

  public PackageEntry {
    EntityFields.requireNamed(namespace, name);
    parameters = EntityFields.ordered(parameters);
    annotations = EntityFields.ordered(annotations);
    version = EntityFields.version(version);
  }

  @JsonIgnore
  public boolean isBinding() {
    return binding != null;
  }

  @JsonIgnore
  public String key() {
    return EntityKeys.of(EntityKeys.PACKAGE, namespace, name);
  }
}
