package io.kwhisk.perf.cpu;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Finds the platform's JVMs to sample. Given {@code --pids controller=PID,invoker=PID,broker=PID}
 * (or {@code standalone=PID}) it uses those; otherwise it takes the process listening on the API
 * host's port (when the API host is this machine) and, if that is a standalone, splits it by
 * thread; if it is a {@code ControllerMain}, the invokers and an external broker are found by their
 * command lines. Finding nothing is not an error: the platform's columns then read n/a.
 */
public final class PlatformFinder {
  private final Procfs procfs;

  public PlatformFinder(Procfs procfs) {
    this.procfs = procfs;
  }

  /**
   * Parses {@code controller=12,invoker=34,broker=56} (any subset, components may repeat) or {@code
   * standalone=7}.
   */
  public static List<Target> parsePids(String spec) {
    List<Target> targets = new ArrayList<>();
    for (String part : spec.split(",")) {
      String[] kv = part.strip().split("=");
      if (kv.length != 2)
        throw new IllegalArgumentException("--pids wants component=PID, got " + part);
      int pid = Integer.parseInt(kv[1].strip());
      String component = kv[0].strip();
      if (component.equals("standalone")) {
        targets.add(Target.shared(pid));
      } else {
        Component c = Component.ofLabel(component);
        if (c != Component.CONTROLLER && c != Component.INVOKER && c != Component.BROKER) {
          throw new IllegalArgumentException(
              "--pids takes standalone, controller, invoker or broker, got " + component);
        }
        targets.add(Target.dedicated(pid, c));
      }
    }
    return targets;
  }

  /**
   * The platform behind {@code apiHost}, when it runs on this machine; empty when nothing was
   * found.
   */
  public List<Target> discover(String apiHost) {
    OptionalInt pid =
        localPort(apiHost).stream()
            .flatMap(port -> procfs.listeningPid(port).stream().boxed())
            .mapToInt(Integer::intValue)
            .findFirst();
    if (pid.isEmpty()) return List.of();
    String cmd = procfs.cmdline(pid.getAsInt()).orElse("");
    if (!cmd.contains("ControllerMain")) return List.of(Target.shared(pid.getAsInt()));
    List<Target> targets =
        new ArrayList<>(List.of(Target.dedicated(pid.getAsInt(), Component.CONTROLLER)));
    for (int other : procfs.pids()) {
      String c = procfs.cmdline(other).orElse("");
      if (c.contains("io.kwhisk.invoker.InvokerMain"))
        targets.add(Target.dedicated(other, Component.INVOKER));
      if (c.contains("kafka.Kafka ")
          || c.endsWith("kafka.Kafka")
          || c.contains("io.kwhisk.broker")) {
        targets.add(Target.dedicated(other, Component.BROKER));
      }
    }
    return targets;
  }

  /**
   * The port of an API host on this machine (localhost or a loopback address); empty for any other
   * host.
   */
  static Optional<Integer> localPort(String apiHost) {
    try {
      URI uri = URI.create(apiHost);
      String host = uri.getHost();
      if (host == null
          || !(host.equals("localhost")
              || host.startsWith("127.")
              || host.equals("[::1]")
              || host.equals("::1"))) {
        return Optional.empty();
      }
      int port = uri.getPort() > 0 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
      return Optional.of(port);
    } catch (IllegalArgumentException notAUri) {
      return Optional.empty();
    }
  }
}
