package io.kwhisk.invoker.docker;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A started container whose action runtime listens on {@code host:port}.
 *
 * @param logFile the file holding the container's whole stdout and stderr as Docker's json-file
 *     driver writes it (one JSON object per line), when the engine uses that driver without
 *     rotation and this process may read the file; null otherwise (another driver, a remote engine,
 *     no permission), and the logs must be followed instead
 */
public record RunningContainer(String id, String name, String host, int port, Path logFile) {
  public RunningContainer {
    Objects.requireNonNull(id, "id should not be null");
    Objects.requireNonNull(host, "host should not be null");
  }

  /** A container whose logs can only be followed. */
  public RunningContainer(String id, String name, String host, int port) {
    this(id, name, host, port, null);
  }

  public Optional<Path> readableLogFile() {
    return Optional.ofNullable(logFile);
  }
}
