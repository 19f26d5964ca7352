package io.kwhisk.invoker.docker;

import java.util.Map;
import java.util.Objects;

/**
 * What to run: a container {@code name} (unique on the host), its image, memory limit, labels and
 * environment (OpenWhisk's {@code __OW_API_HOST}, {@code __OW_ALLOW_CONCURRENT}).
 */
public record ContainerSpec(
    String name, String image, long memoryMb, Map<String, String> labels, Map<String, String> env) {
  public ContainerSpec {
    Objects.requireNonNull(name, "name should not be null");
    Objects.requireNonNull(image, "image should not be null");
    labels = Map.copyOf(labels);
    env = Map.copyOf(env);
  }

  /** A container without environment of its own. */
  public ContainerSpec(String name, String image, long memoryMb, Map<String, String> labels) {
    this(name, image, memoryMb, labels, Map.of());
  }
}
