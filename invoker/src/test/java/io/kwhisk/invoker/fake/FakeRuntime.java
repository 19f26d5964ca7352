package io.kwhisk.invoker.fake;

import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.docker.ContainerSpec;
import io.kwhisk.invoker.docker.ContainerStatus;
import io.kwhisk.invoker.docker.RunningContainer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A container runtime that starts nothing: every start succeeds at once; starts and removals are
 * recorded.
 */
public final class FakeRuntime implements ContainerRuntime {
  public final List<ContainerSpec> started = new CopyOnWriteArrayList<>();
  public final List<String> removed = new CopyOnWriteArrayList<>();
  public final List<String> paused = new CopyOnWriteArrayList<>();
  public final List<String> unpaused = new CopyOnWriteArrayList<>();

  /** What {@link #awaitStopped} answers: by default a container that still runs. */
  public volatile ContainerStatus status = new ContainerStatus(true, false, false, -1);

  /** When set, what every {@link #awaitStopped} answers instead: the test completes it by hand. */
  public volatile CompletableFuture<ContainerStatus> statusAnswer;

  /** When set, what every start answers: the test completes it by hand. */
  public volatile CompletableFuture<RunningContainer> startAnswer;

  @Override
  public CompletionStage<RunningContainer> start(ContainerSpec spec) {
    started.add(spec);
    if (startAnswer != null) return startAnswer;
    return CompletableFuture.completedFuture(
        new RunningContainer("id-" + spec.name(), spec.name(), "127.0.0.1", 8080));
  }

  @Override
  public CompletionStage<Void> remove(String containerId) {
    removed.add(containerId);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> pause(String containerId) {
    paused.add(containerId);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> unpause(String containerId) {
    unpaused.add(containerId);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<ContainerStatus> awaitStopped(String containerId, Duration wait) {
    if (statusAnswer != null) return statusAnswer;
    return CompletableFuture.completedFuture(status);
  }

  @Override
  public CompletionStage<List<String>> list(Map<String, String> labels) {
    return CompletableFuture.completedFuture(List.of());
  }

  @Override
  public AutoCloseable followLogs(String containerId, LogSink sink) {
    return () -> {};
  }

  @Override
  public void close() {}
}
