package io.kwhisk.common.entity;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Objects;

/**
 * An action's identity: its namespace and its name (which may carry a package prefix, {@code
 * pkg/action}).
 */
public record FullyQualifiedName(String namespace, String name) {
  public FullyQualifiedName {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(name, "name should not be null");
  }

  /**
   * The OpenWhisk path form, {@code namespace/name}, used in activation records and as a map key.
   */
  @JsonIgnore
  public String path() {
    return namespace + "/" + name;
  }

  @Override
  public String toString() {
    return path();
  }
}
