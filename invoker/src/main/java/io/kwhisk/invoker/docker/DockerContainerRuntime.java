package io.kwhisk.invoker.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.StreamType;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerRuntime} on a Docker engine through docker-java. The API version is not pinned,
 * so the engine's own (for Debian's engine 1.41) is used. Engine calls never run on the caller's
 * thread, but on one of three bounded pools of daemon threads, so that one kind of call never
 * queues behind another: creations (create, start, wait for the action port: seconds each, as many
 * at once as the engine creates fastest, {@code kwhisk-docker-create-N}), removals ({@code
 * kwhisk-docker-remove-N}: under churn a burst of removals must not delay the creations that
 * replace them, nor be delayed by them) and everything else, short calls on the activation path
 * such as unpause ({@code kwhisk-docker-N}).
 */
public final class DockerContainerRuntime implements ContainerRuntime {
  private static final Logger log = LoggerFactory.getLogger(DockerContainerRuntime.class);

  /** The OpenWhisk action-runtime protocol port. */
  public static final int ACTION_PORT = 8080;

  /** Pause, unpause, inspect, list, attach. */
  private static final int THREADS = 8;

  private static final int REMOVAL_THREADS = 4;

  /**
   * Creations at once by default: where this machine's engine measured its highest rate
   * (BENCHMARKS.md).
   */
  public static final int DEFAULT_CREATE_PARALLELISM = 16;

  /** Log streams open at once: one per container, far above what fits an invoker's memory. */
  private static final int MAX_STREAMS = 4096;

  private final DockerClient docker;

  /**
   * Log streams only: each holds a connection for its container's life, so they get their own pool.
   */
  private final DockerClient streams;

  private final String network;
  private final Duration startTimeout;
  private final Map<String, String> ownerLabels;
  private final ContainerHardening hardening;
  private final InvokerMetrics metrics;
  private final ExecutorService executor;
  private final ExecutorService creations;
  private final ExecutorService removals;

  private DockerContainerRuntime(
      DockerClient docker,
      DockerClient streams,
      String network,
      Duration startTimeout,
      Map<String, String> ownerLabels,
      ContainerHardening hardening,
      InvokerMetrics metrics,
      int createParallelism) {
    this.hardening = java.util.Objects.requireNonNull(hardening, "hardening should not be null");
    this.metrics = metrics;
    this.docker = docker;
    this.streams = streams;
    this.network = network;
    this.startTimeout = startTimeout;
    this.ownerLabels = Map.copyOf(ownerLabels);
    this.executor = pool(THREADS, "kwhisk-docker-");
    this.creations = pool(createParallelism, "kwhisk-docker-create-");
    this.removals = pool(REMOVAL_THREADS, "kwhisk-docker-remove-");
  }

  private static ExecutorService pool(int threads, String prefix) {
    AtomicInteger n = new AtomicInteger();
    return Executors.newFixedThreadPool(
        threads,
        r -> {
          Thread t = new Thread(r, prefix + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        });
  }

  /**
   * A runtime on the engine at {@code dockerHost} (for example {@code unix:///var/run/docker.sock})
   * that puts {@code ownerLabels} (which invoker of which cluster) on every container it creates,
   * on top of the spec's.
   */
  public static DockerContainerRuntime create(
      String dockerHost,
      String network,
      Duration startTimeout,
      Map<String, String> ownerLabels,
      ContainerHardening hardening,
      InvokerMetrics metrics) {
    return create(
        dockerHost,
        network,
        startTimeout,
        ownerLabels,
        hardening,
        metrics,
        DEFAULT_CREATE_PARALLELISM);
  }

  /** As above, creating at most {@code createParallelism} containers at once. */
  public static DockerContainerRuntime create(
      String dockerHost,
      String network,
      Duration startTimeout,
      Map<String, String> ownerLabels,
      ContainerHardening hardening,
      InvokerMetrics metrics,
      int createParallelism) {
    // A connection for every thread that may hold one, and as many again for docker-java's own
    // needs.
    int connections = 2 * (THREADS + REMOVAL_THREADS + createParallelism);
    return create(
        dockerHost,
        network,
        startTimeout,
        ownerLabels,
        hardening,
        metrics,
        createParallelism,
        connections);
  }

  /** As above, with {@code controlConnections} for the engine calls (tests make it small). */
  static DockerContainerRuntime create(
      String dockerHost,
      String network,
      Duration startTimeout,
      Map<String, String> ownerLabels,
      ContainerHardening hardening,
      InvokerMetrics metrics,
      int createParallelism,
      int controlConnections) {
    if (createParallelism < 1)
      throw new IllegalArgumentException("createParallelism must be at least 1");
    var config =
        DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
    // Two clients, two connection pools. A followed log stream keeps its connection as long as its
    // container
    // lives; sharing one bounded pool, 64 containers' streams once took every connection and left
    // create, pause
    // and remove waiting forever for one (proxies stuck pausing, their held activations never run).
    var control = DockerClientImpl.getInstance(config, client(dockerHost, controlConnections));
    var streams = DockerClientImpl.getInstance(config, client(dockerHost, MAX_STREAMS));
    return new DockerContainerRuntime(
        control,
        streams,
        network,
        startTimeout,
        ownerLabels,
        hardening,
        metrics,
        createParallelism);
  }

  private static ApacheDockerHttpClient client(String dockerHost, int maxConnections) {
    return new ApacheDockerHttpClient.Builder()
        .dockerHost(URI.create(dockerHost))
        .maxConnections(maxConnections)
        .connectionTimeout(Duration.ofSeconds(10))
        .build();
  }

  @Override
  public CompletionStage<RunningContainer> start(ContainerSpec spec) {
    return CompletableFuture.supplyAsync(() -> startBlocking(spec), creations);
  }

  private RunningContainer startBlocking(ContainerSpec spec) {
    String id = null;
    long began = System.nanoTime();
    try {
      Map<String, String> labels = new java.util.HashMap<>(spec.labels());
      labels.putAll(ownerLabels);
      var create =
          docker
              .createContainerCmd(spec.image())
              .withName(spec.name())
              .withLabels(labels)
              .withEnv(
                  spec.env().entrySet().stream()
                      .map(e -> e.getKey() + "=" + e.getValue())
                      .sorted()
                      .toList())
              .withHostConfig(hostConfig(spec.memoryMb()));
      if (!hardening.user().isEmpty()) create.withUser(hardening.user()); // else the image's own
      CreateContainerResponse created = create.exec();
      id = created.getId();
      docker.startContainerCmd(id).exec();
      InspectContainerResponse inspect = docker.inspectContainerCmd(id).exec();
      String ip = StartedContainers.ipAddress(inspect, network);
      StartedContainers.awaitPort(ip, ACTION_PORT, spec.name(), startTimeout);
      metrics.containerStarted(Duration.ofNanos(System.nanoTime() - began));
      return new RunningContainer(
          id, spec.name(), ip, ACTION_PORT, StartedContainers.logFile(inspect));
    } catch (RuntimeException e) {
      if (id != null) removeBlocking(id);
      throw new ContainerStartException(
          "container " + spec.name() + " (" + spec.image() + ") did not start: " + e.getMessage(),
          e,
          id == null && e instanceof NotFoundException);
    }
  }

  /** The container's limits and confinement: {@link ActionHostConfig}. */
  HostConfig hostConfig(long memoryMb) {
    return ActionHostConfig.of(memoryMb, network, hardening);
  }

  @Override
  public CompletionStage<Void> remove(String containerId) {
    return CompletableFuture.supplyAsync(
        () -> {
          removeBlocking(containerId);
          return null;
        },
        removals);
  }

  private void removeBlocking(String containerId) {
    try {
      docker.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      log.debug("Container {} was already gone", containerId);
    }
  }

  @Override
  public CompletionStage<Void> pause(String containerId) {
    return async(
        () -> {
          docker.pauseContainerCmd(containerId).exec();
          return null;
        });
  }

  @Override
  public CompletionStage<Void> unpause(String containerId) {
    return async(
        () -> {
          docker.unpauseContainerCmd(containerId).exec();
          return null;
        });
  }

  @Override
  public CompletionStage<ContainerStatus> awaitStopped(String containerId, Duration wait) {
    return async(
        () -> {
          long deadline = System.nanoTime() + wait.toNanos();
          while (true) {
            ContainerStatus status = statusBlocking(containerId);
            if (!status.running() || System.nanoTime() > deadline) return status;
            StartedContainers.sleep(25);
          }
        });
  }

  private ContainerStatus statusBlocking(String containerId) {
    try {
      InspectContainerResponse.ContainerState state =
          docker.inspectContainerCmd(containerId).exec().getState();
      boolean running =
          Boolean.TRUE.equals(state.getRunning()) || Boolean.TRUE.equals(state.getRestarting());
      Long exit = state.getExitCodeLong();
      return new ContainerStatus(
          running,
          false,
          Boolean.TRUE.equals(state.getOOMKilled()),
          exit == null ? -1 : exit.intValue());
    } catch (NotFoundException e) {
      return ContainerStatus.GONE;
    }
  }

  @Override
  public CompletionStage<List<String>> list(Map<String, String> labels) {
    return async(
        () ->
            docker.listContainersCmd().withShowAll(true).withLabelFilter(labels).exec().stream()
                .map(Container::getId)
                .toList());
  }

  @Override
  public AutoCloseable followLogs(String containerId, LogSink sink) {
    ResultCallback.Adapter<Frame> callback =
        new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            sink.accept(frame.getStreamType() == StreamType.STDERR, frame.getPayload());
          }

          @Override
          public void onError(Throwable t) {
            log.debug("Log stream of {} ended: {}", containerId, t.toString());
          }
        };
    // Attaching is an engine call: made on the runtime's executor; docker-java then streams on its
    // own thread.
    executor.execute(
        () -> {
          try {
            streams
                .logContainerCmd(containerId)
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(true)
                .withTimestamps(true)
                .exec(callback);
          } catch (RuntimeException e) {
            log.debug("Following the logs of {} failed: {}", containerId, e.toString());
          }
        });
    return callback;
  }

  @Override
  public void close() {
    List<ExecutorService> pools = List.of(creations, removals, executor);
    pools.forEach(ExecutorService::shutdown);
    try {
      for (ExecutorService pool : pools) {
        if (!pool.awaitTermination(10, TimeUnit.SECONDS)) pool.shutdownNow();
      }
      docker.close();
      streams.close();
    } catch (IOException e) {
      log.warn("Closing the Docker client failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private <T> CompletionStage<T> async(Supplier<T> call) {
    return CompletableFuture.supplyAsync(call, executor);
  }
}
