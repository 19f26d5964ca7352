package io.kwhisk.invoker.docker;

import java.util.Objects;

/** A started container whose action runtime listens on {@code host:port}. */
public record RunningContainer(String id, String name, String host, int port) {
  public RunningContainer {
    Objects.requireNonNull(id, "id should not be null");
    Objects.requireNonNull(host, "host should not be null");
  }
}
