package io.kwhisk.perf.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * A Docker container's CPU usage so far, from its cgroup under a cgroup tree ({@code
 * /sys/fs/cgroup}, or a fixture directory in tests). cgroup v1: {@code cpuacct.usage} (nanoseconds)
 * under the {@code cpuacct} hierarchy's {@code docker/<id>}; cgroup v2: {@code usage_usec} of
 * {@code cpu.stat} under {@code system.slice/docker-<id>.scope} (systemd driver) or {@code
 * docker/<id>} (cgroupfs driver). Thread-safe (stateless).
 */
public final class ContainerCgroups {
  private static final List<String> V1_DIRS = List.of("cpu,cpuacct", "cpuacct,cpu", "cpuacct");

  private final Path root;

  public ContainerCgroups(Path root) {
    this.root = root;
  }

  public static ContainerCgroups system() {
    return new ContainerCgroups(Path.of("/sys/fs/cgroup"));
  }

  /**
   * CPU nanoseconds the container (full id) has used, empty when no cgroup of it is found (gone, or
   * not local).
   */
  public OptionalLong usageNanos(String containerId) {
    for (String v1 : V1_DIRS) {
      OptionalLong n =
          readLong(
              root.resolve(v1).resolve("docker").resolve(containerId).resolve("cpuacct.usage"));
      if (n.isPresent()) return n;
    }
    for (Path dir :
        List.of(
            root.resolve("system.slice").resolve("docker-" + containerId + ".scope"),
            root.resolve("docker").resolve(containerId))) {
      OptionalLong usec = cpuStatUsageMicros(dir.resolve("cpu.stat"));
      if (usec.isPresent()) return OptionalLong.of(usec.getAsLong() * 1_000);
    }
    return OptionalLong.empty();
  }

  static OptionalLong cpuStatUsageMicros(Path cpuStat) {
    try {
      for (String line : Files.readAllLines(cpuStat, StandardCharsets.US_ASCII)) {
        if (line.startsWith("usage_usec "))
          return OptionalLong.of(Long.parseLong(line.substring(11).strip()));
      }
    } catch (IOException | NumberFormatException absent) {
      // Falls through: no usage known.
    }
    return OptionalLong.empty();
  }

  private static OptionalLong readLong(Path file) {
    try {
      return OptionalLong.of(
          Long.parseLong(Files.readString(file, StandardCharsets.US_ASCII).strip()));
    } catch (IOException | NumberFormatException absent) {
      return OptionalLong.empty();
    }
  }
}
