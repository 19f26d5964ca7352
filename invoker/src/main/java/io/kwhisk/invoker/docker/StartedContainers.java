package io.kwhisk.invoker.docker;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.LogConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What a started container offers the invoker, read on the runtime's creation executor (they block
 * or touch the file system): its address, its json-file log when readable, its action port once
 * open.
 */
final class StartedContainers {
  private StartedContainers() {}

  /** The container's address on {@code network} (its only one when it is on a single network). */
  static String ipAddress(InspectContainerResponse inspect, String network) {
    Map<String, ContainerNetwork> networks = inspect.getNetworkSettings().getNetworks();
    ContainerNetwork net = networks.get(network);
    if (net == null && networks.size() == 1) net = networks.values().iterator().next();
    if (net == null || net.getIpAddress() == null || net.getIpAddress().isEmpty()) {
      throw new IllegalStateException("container has no IP address on network " + network);
    }
    return net.getIpAddress();
  }

  /**
   * The container's json-file log when this process can read its output there: the json-file driver
   * (the {@code local} driver's files are not JSON) and a file this process may read (the engine is
   * local and we are allowed in {@code /var/lib/docker}). Rotated files ({@code <file>.1} ...) are
   * followed by the reader. Null otherwise; the invoker then follows the log stream. Checked here,
   * on the Docker executor, because it touches the file system.
   */
  static Path logFile(InspectContainerResponse inspect) {
    String path = inspect.getLogPath();
    LogConfig config =
        inspect.getHostConfig() == null ? null : inspect.getHostConfig().getLogConfig();
    // By name: docker-java reads "json-file" as LoggingType.DEFAULT, whose value is the same
    // string.
    if (path == null
        || path.isEmpty()
        || config == null
        || config.getType() == null
        || !"json-file".equals(config.getType().getType())) {
      return null;
    }
    Path file = Path.of(path);
    return Files.isReadable(file) ? file : null;
  }

  /** Blocks until {@code host:port} accepts a connection, or fails after {@code startTimeout}. */
  static void awaitPort(String host, int port, String name, Duration startTimeout) {
    long deadline = System.nanoTime() + startTimeout.toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, port), 200);
        return;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "port "
                  + host
                  + ":"
                  + port
                  + " of "
                  + name
                  + " did not open within "
                  + startTimeout.toMillis()
                  + " ms");
        }
        sleep(20);
      }
    }
  }

  static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
