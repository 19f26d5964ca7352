package io.kwhisk.invoker.docker;

import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Ulimit;
import java.util.List;
import java.util.Map;

/** What the engine is asked to enforce on an action container. Pure: no engine call. */
final class ActionHostConfig {
  private ActionHostConfig() {}

  /**
   * The container's limits: its memory with swap equal to it (no swap: beyond it the kernel kills
   * the action, which awaitStopped reports as an OOM kill), and the confinement of {@link
   * ContainerHardening}.
   */
  static HostConfig of(long memoryMb, String network, ContainerHardening hardening) {
    long bytes = memoryMb * 1024 * 1024;
    HostConfig host =
        HostConfig.newHostConfig()
            .withMemory(bytes)
            .withMemorySwap(bytes)
            .withNetworkMode(network)
            .withPrivileged(false)
            .withCapDrop(Capability.ALL)
            .withUlimits(List.of(new Ulimit("nofile", hardening.nofile(), hardening.nofile())))
            .withLogConfig(
                new LogConfig(
                    LogConfig.LoggingType.JSON_FILE,
                    Map.of(
                        "max-size",
                        hardening.logMaxSizeMb() + "m",
                        "max-file",
                        Integer.toString(hardening.logMaxFiles()))));
    if (!hardening.capAdd().isEmpty()) {
      host.withCapAdd(
          hardening.capAdd().stream().map(Capability::valueOf).toArray(Capability[]::new));
    }
    if (hardening.noNewPrivileges()) host.withSecurityOpts(List.of("no-new-privileges"));
    if (hardening.pidsLimit() > 0) host.withPidsLimit(hardening.pidsLimit());
    int shares = hardening.cpuSharesFor(memoryMb);
    if (shares > 0) host.withCpuShares(shares);
    if (hardening.readOnlyRootFs()) {
      host.withReadonlyRootfs(true)
          .withTmpFs(
              Map.of("/tmp", "rw,nosuid,nodev,size=" + hardening.tmpSizeMb() + "m,mode=1777"));
    }
    return host;
  }
}
