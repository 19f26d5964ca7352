package io.kwhisk.invoker.docker;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Runs action containers. Every method returns at once: the work runs on the runtime's own blocking
 * executor, never on the caller's thread, so actors may call it. Implementations are thread-safe.
 */
public interface ContainerRuntime extends AutoCloseable {
  /**
   * Label that names the invoker owning a container; start-up removes the containers a previous run
   * left.
   */
  String INVOKER_LABEL = "io.kwhisk.invoker";

  /**
   * Label that names the Kafka cluster (its id) of the invoker owning a container: two kwhisk
   * instances on one engine (a laptop's standalone and a test suite) may both have an invoker 0,
   * and each removes only its own leftovers.
   */
  String CLUSTER_LABEL = "io.kwhisk.cluster";

  /** Label that names the action ({@code namespace/name}) a container runs. */
  String ACTION_LABEL = "io.kwhisk.action";

  /**
   * Creates and starts a container and completes when its action port accepts connections (or
   * fails, after removing the container, when it does not within the runtime's start timeout).
   */
  CompletionStage<RunningContainer> start(ContainerSpec spec);

  /**
   * Removes a container by id, killing it if it runs (or is paused); completes normally when it is
   * already gone.
   */
  CompletionStage<Void> remove(String containerId);

  /** Freezes the container's processes ({@code docker pause}); its memory and network stay. */
  CompletionStage<Void> pause(String containerId);

  /** Thaws a paused container. */
  CompletionStage<Void> unpause(String containerId);

  /**
   * How the container is, once it stopped running or after {@code wait}, whichever comes first: the
   * engine records a death (and an OOM kill) a moment after the action's connection broke.
   */
  CompletionStage<ContainerStatus> awaitStopped(String containerId, java.time.Duration wait);

  /** Ids of the containers, running or not, that carry all of {@code labels}. */
  CompletionStage<List<String>> list(Map<String, String> labels);

  /**
   * Streams the container's stdout and stderr, from its start, to {@code sink} until the container
   * stops or the returned handle is closed. The sink is called on a runtime thread, one frame at a
   * time.
   */
  AutoCloseable followLogs(String containerId, LogSink sink);

  /** Receives raw output of a container. */
  @FunctionalInterface
  interface LogSink {
    void accept(boolean stderr, byte[] bytes);
  }

  @Override
  void close();
}
