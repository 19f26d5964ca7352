package io.kwhisk.invoker.docker;

import java.util.Map;
import java.util.Objects;

/** What to run: a container {@code name} (unique on the host), its image, memory limit and labels. */
public record ContainerSpec(String name, String image, long memoryMb, Map<String, String> labels) {
  public ContainerSpec {
    Objects.requireNonNull(name, "name should not be null");
    Objects.requireNonNull(image, "image should not be null");
    labels = Map.copyOf(labels);
  }
}
