package io.kwhisk.perf.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Lists the ids (full length) of the action containers whose CPU is charged to {@link Component#CONTAINERS}. */
@FunctionalInterface
public interface ContainerLister {
  List<String> ids() throws IOException;

  /**
   * The running (or paused) containers carrying {@code label} ({@code key} or {@code key=value}), asked of the
   * {@code docker} CLI. Costs the Docker daemon a few milliseconds per call, which lands in its own column.
   */
  static ContainerLister dockerLabel(String label) {
    return () -> {
      List<String> cmd = List.of("docker", "ps", "-q", "--no-trunc", "--filter", "label=" + label);
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      try {
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
          p.destroy();
          throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while listing containers", e);
      }
      List<String> ids = new ArrayList<>();
      Arrays.stream(out.split("\n")).map(String::strip).filter(s -> s.matches("[0-9a-f]{64}")).forEach(ids::add);
      return ids;
    };
  }
}
