package io.kwhisk.perf.trace;

import io.kwhisk.perf.cpu.ContainerLister;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Lists the platform's containers for {@link MemoryTime}: id -> owner and memory limit. */
@FunctionalInterface
public interface ContainerListing {
  Map<String, MemoryTime.Container> list() throws IOException;

  /**
   * The running or paused containers carrying {@code label}, asked of the {@code docker} CLI; a
   * container's owner is its action ({@code io.kwhisk.action} = {@code namespace/name}) mapped by
   * {@code owner} ("" when it has none or the mapping does not know it). The memory limit is read
   * once per container ({@code docker inspect}) and remembered. Used by one sampling thread at a
   * time.
   */
  static ContainerListing docker(String label, java.util.function.Function<String, String> owner) {
    Map<String, Long> memoryById = new HashMap<>();
    return () -> {
      Map<String, String> actionById = new HashMap<>();
      for (String line :
          ContainerLister.run(
              List.of(
                  "docker",
                  "ps",
                  "--no-trunc",
                  "--filter",
                  "label=" + label,
                  "--format",
                  "{{.ID}} {{.Label \"" + ContainerLister.ACTION_LABEL + "\"}}"))) {
        String[] f = line.strip().split(" ", 2);
        if (f[0].matches("[0-9a-f]{64}")) actionById.put(f[0], f.length > 1 ? f[1] : "");
      }
      List<String> fresh = new ArrayList<>();
      for (String id : actionById.keySet()) {
        if (!memoryById.containsKey(id)) fresh.add(id);
      }
      if (!fresh.isEmpty()) {
        List<String> cmd =
            new ArrayList<>(
                List.of("docker", "inspect", "--format", "{{.Id}} {{.HostConfig.Memory}}"));
        cmd.addAll(fresh);
        List<String> lines;
        try {
          lines = ContainerLister.run(cmd);
        } catch (IOException goneMeanwhile) {
          lines =
              List.of(); // one of them was removed between ps and inspect: ask again at the next
          // listing
        }
        for (String line : lines) {
          String[] f = line.strip().split(" ");
          if (f.length == 2 && f[1].matches("\\d+"))
            memoryById.put(f[0], Long.parseLong(f[1]) / (1024 * 1024));
        }
      }
      memoryById.keySet().retainAll(actionById.keySet());
      Map<String, MemoryTime.Container> out = new HashMap<>();
      actionById.forEach(
          (id, action) -> {
            Long mb = memoryById.get(id);
            if (mb != null) out.put(id, new MemoryTime.Container(owner.apply(action), mb));
          });
      return out;
    };
  }
}
