package io.kwhisk.perf.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The engine's own limit, without kwhisk: how fast this machine's Docker engine creates and starts
 * containers of a runtime image when asked by {@code parallelism} threads at once through
 * docker-java (the client the invoker uses), each container made as the invoker makes one (memory
 * limit without swap, on a network) and counted ready once its action port accepts a connection
 * (what the invoker waits for before {@code /init}). The containers carry the label {@link #LABEL}
 * and are all removed after the measurement (not timed). Not thread-safe.
 */
public final class EngineRate {
  /**
   * Every container this measurement makes carries this label (value: the run id), so leftovers can
   * be found.
   */
  public static final String LABEL = "io.kwhisk.perf.engine";

  private static final int ACTION_PORT = 8080;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final DockerClient docker;
  private final PrintStream progress;

  public EngineRate(DockerClient docker, PrintStream progress) {
    this.docker = Objects.requireNonNull(docker, "docker should not be null");
    this.progress = Objects.requireNonNull(progress, "progress should not be null");
  }

  /**
   * A client of the engine at {@code dockerHost} with room for {@code connections} calls at once.
   */
  public static DockerClient client(String dockerHost, int connections) {
    var config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    return DockerClientImpl.getInstance(
        config,
        new ApacheDockerHttpClient.Builder()
            .dockerHost(URI.create(dockerHost))
            .maxConnections(connections)
            .connectionTimeout(Duration.ofSeconds(10))
            .build());
  }

  /**
   * Creates and starts {@code containers} containers with {@code parallelism} threads; returns when
   * the last is ready, after removing them all.
   */
  public EngineResult measure(
      String image, int memoryMb, String network, int containers, int parallelism, String runId)
      throws IOException, InterruptedException {
    if (containers < 1)
      throw new IllegalArgumentException("--containers should be >= 1, was " + containers);
    if (parallelism < 1)
      throw new IllegalArgumentException("--parallel should be >= 1, was " + parallelism);
    List<String> ids = Collections.synchronizedList(new ArrayList<>());
    List<Long> readyNanos = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool =
        Executors.newFixedThreadPool(
            parallelism,
            r -> {
              Thread t = new Thread(r, "perf-engine");
              t.setDaemon(true);
              return t;
            });
    long start = System.nanoTime();
    long startedAll;
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < containers; i++) {
        String name = "perf-engine-" + runId + "-" + parallelism + "-" + i;
        done.add(
            pool.submit(
                () -> {
                  long began = System.nanoTime();
                  String id =
                      docker
                          .createContainerCmd(image)
                          .withName(name)
                          .withLabels(Map.of(LABEL, runId))
                          .withHostConfig(
                              HostConfig.newHostConfig()
                                  .withMemory(memoryMb * 1024L * 1024)
                                  .withMemorySwap(memoryMb * 1024L * 1024)
                                  .withNetworkMode(network))
                          .exec()
                          .getId();
                  ids.add(id);
                  docker.startContainerCmd(id).exec();
                  awaitPort(ipAddress(docker.inspectContainerCmd(id).exec(), network));
                  readyNanos.add(System.nanoTime() - began);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          throw new IOException(
              "creating a container of " + image + " failed: " + e.getCause().getMessage(),
              e.getCause());
        }
      }
      startedAll = System.nanoTime() - start;
    } finally {
      progress.printf("engine: removing %d container(s)%n", ids.size());
      List<Future<?>> removals = new ArrayList<>();
      synchronized (ids) {
        for (String id : ids) {
          removals.add(pool.submit(() -> docker.removeContainerCmd(id).withForce(true).exec()));
        }
      }
      for (Future<?> f : removals) {
        try {
          f.get();
        } catch (ExecutionException e) {
          progress.println("engine: removing a container failed: " + e.getCause().getMessage());
        }
      }
      pool.shutdownNow();
    }
    List<Long> each;
    synchronized (readyNanos) {
      each = new ArrayList<>(readyNanos);
    }
    return EngineResult.of(image, memoryMb, containers, parallelism, startedAll, each);
  }

  private static String ipAddress(InspectContainerResponse inspect, String network) {
    Map<String, ContainerNetwork> networks = inspect.getNetworkSettings().getNetworks();
    ContainerNetwork net = networks.get(network);
    if (net == null && networks.size() == 1) net = networks.values().iterator().next();
    if (net == null || net.getIpAddress() == null || net.getIpAddress().isEmpty()) {
      throw new IllegalStateException("container has no address on network " + network);
    }
    return net.getIpAddress();
  }

  private static void awaitPort(String host) throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (true) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(host, ACTION_PORT), 200);
        return;
      } catch (IOException notYet) {
        if (System.nanoTime() - deadline > 0) {
          throw new IllegalStateException(
              "port " + ACTION_PORT + " of " + host + " not open after " + READY_TIMEOUT);
        }
        Thread.sleep(5);
      }
    }
  }
}
