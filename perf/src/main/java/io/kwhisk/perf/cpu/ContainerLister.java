package io.kwhisk.perf.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Lists the ids (full length) of the action containers whose CPU is charged to {@link
 * Component#CONTAINERS}.
 */
@FunctionalInterface
public interface ContainerLister {
  List<String> ids() throws IOException;

  /** The label kwhisk's invokers put on a container: the action it runs, {@code namespace/name}. */
  String ACTION_LABEL = "io.kwhisk.action";

  /**
   * The running (or paused) containers carrying {@code label} ({@code key} or {@code key=value})
   * whose action label ({@code namespace/name}) passes {@code action}, asked of the {@code docker}
   * CLI. Costs the Docker daemon a few milliseconds per call, which lands in its own column.
   */
  static ContainerLister docker(String label, Predicate<String> action) {
    return () -> {
      List<String> ids = new ArrayList<>();
      for (String line :
          run(
              List.of(
                  "docker",
                  "ps",
                  "--no-trunc",
                  "--filter",
                  "label=" + label,
                  "--format",
                  "{{.ID}} {{.Label \"" + ACTION_LABEL + "\"}}"))) {
        String[] f = line.strip().split(" ", 2);
        if (f[0].matches("[0-9a-f]{64}") && action.test(f.length > 1 ? f[1] : "")) ids.add(f[0]);
      }
      return ids;
    };
  }

  /**
   * Every action whose name (after the namespace) starts with {@code prefix-}: a scenario's
   * actions.
   */
  static Predicate<String> actionsNamed(String prefix) {
    return fqn -> fqn.substring(fqn.indexOf('/') + 1).startsWith(prefix + "-");
  }

  /** Runs a command and returns its output lines; fails with the output when it exits non-zero. */
  static List<String> run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", cmd), e);
    }
    return Arrays.stream(out.split("\n")).filter(l -> !l.isBlank()).toList();
  }
}
