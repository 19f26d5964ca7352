package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.invoker.docker.RunningContainer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One container's handles once the engine started it: the container, its runtime client ({@code
 * /init}, {@code /run}) and its log collector, plus the {@link RunPipeline} its runs go through.
 * Every call returns at once; the engine, HTTP and Kafka work it starts completes the returned
 * stages off the actor, which hears of them as messages. Used on the proxy's actor thread only.
 */
final class ContainerSession {
  /**
   * How {@code /init} ended and how long it took; {@code failure}, the response an activation gets
   * from a container whose init failed, is null after a success.
   */
  record Init(CallOutcome outcome, long durationMs, ActivationResponse failure) {}

  private final String name;
  private final Action action;
  private final ProxyDeps deps;
  private final RunPipeline pipeline;

  /** The container's image; null when the invoker has none for the action's kind. */
  private final String image;

  private RunningContainer container;
  private ActionContainer client;
  private LogCollector logs;

  ContainerSession(String name, Action action, ProxyDeps deps) {
    this.name = name;
    this.action = action;
    this.deps = deps;
    this.pipeline = new RunPipeline(action, deps);
    this.image = deps.settings().imageFor(action.exec()).orElse(null);
  }

  /** Why no container can be started at all: the invoker has no image for the action's kind. */
  Optional<ActivationResponse> unavailable() {
    return image == null
        ? Optional.of(StartFailures.noImage(action.exec().kind()))
        : Optional.empty();
  }

  /** Asks the engine for the container (when {@link #unavailable} is empty). */
  CompletionStage<RunningContainer> start() {
    return deps.runtime().start(deps.settings().containerSpec(name, image, action));
  }

  /**
   * The failure every container of the action would meet too, if the start's {@code error} is one
   * (see {@link StartFailures#permanent}).
   */
  Optional<ActivationResponse> permanentFailure(Throwable error) {
    return StartFailures.permanent(error, action.exec(), image);
  }

  /**
   * The container is up: connects its runtime client and, for a container that runs one activation
   * at a time (whose log lines can be told apart), opens its log collector.
   */
  void started(RunningContainer c) {
    container = c;
    client = deps.containers().connect(c.host(), c.port(), action.limits().concurrency());
    if (action.limits().concurrency() == 1)
      logs = deps.logs().open(c, Math.max(1, action.limits().logBytes()));
  }

  /**
   * Joins the action's share group (see {@link ActivationSource.Factory#open}) with the lanes the
   * action's concurrency gives, or one lane if the container {@code runs} nothing (it cannot
   * start).
   */
  ActivationSource openFeed(
      boolean runs, Consumer<List<Delivery>> pulled, Consumer<Throwable> failed) {
    ProxySettings settings = deps.settings();
    int lanes = runs ? settings.lanes(action.limits()) : 1;
    return deps.feeds()
        .open(action.fqn(), name, lanes, settings.maxPollRecords(action.limits()), pulled, failed);
  }

  /**
   * Calls {@code /init}; the stage always ends in an {@link Init}, a call that failed as a {@link
   * CallOutcome.Failed}. Code stored out of line is read (or found in the invoker's cache) now:
   * only {@code /init} needs it.
   */
  CompletionStage<Init> init() {
    long start = deps.clock().millis();
    return deps.code()
        .resolve(action)
        .thenCompose(
            withCode ->
                client.init(
                    ActivationResults.initPayload(withCode),
                    deps.settings().initTimeout(action.limits())))
        .handle(
            (o, e) -> {
              CallOutcome outcome = o != null ? o : new CallOutcome.Failed(String.valueOf(e));
              return new Init(
                  outcome,
                  deps.clock().millis() - start,
                  ActivationResults.initFailure(outcome, action.limits().timeout()));
            });
  }

  /** Runs {@code d} through the pipeline; the stage always ends in a {@link RunPipeline.Ran}. */
  CompletionStage<RunPipeline.Ran> run(Delivery d, ActivationSource feed, OptionalLong initTime) {
    return pipeline.run(d, client, container.id(), logs, feed, initTime);
  }

  /** Completes {@code d} with {@code failure} without running it (see {@link RunPipeline#fail}). */
  CompletionStage<Void> fail(Delivery d, ActivationResponse failure, ActivationSource feed) {
    return pipeline.fail(d, failure, logs, feed, containerId());
  }

  /**
   * Queues {@code activation} on the action's topic again, as a new record (see {@link Requeues});
   * the stage ends when the broker acknowledged it, and then counts in the invoker's metrics.
   */
  CompletionStage<Void> requeue(ActivationMessage activation) {
    return deps.publisher()
        .activation(action.fqn(), activation)
        .thenRun(() -> deps.metrics().requeued());
  }

  /** Pauses the container ({@code docker pause}); the stage ends with the call's duration in ms. */
  CompletionStage<Long> pause() {
    return timed(deps.runtime().pause(container.id()), deps.metrics()::paused);
  }

  /** Unpauses the container; the stage ends with the call's duration in ms. */
  CompletionStage<Long> unpause() {
    return timed(deps.runtime().unpause(container.id()), deps.metrics()::unpaused);
  }

  /** The duration of an engine call that succeeded, recorded to {@code meter} too. */
  private static CompletionStage<Long> timed(CompletionStage<Void> call, Consumer<Duration> meter) {
    long began = System.nanoTime();
    return call.thenApply(
        ok -> {
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - began);
          meter.accept(Duration.ofMillis(ms));
          return ms;
        });
  }

  /** The container's id; null until it started. */
  String containerId() {
    return container == null ? null : container.id();
  }

  /**
   * Closes the client and the log collector and removes the container (done at once if it never
   * started).
   */
  CompletionStage<Void> remove() {
    closeHandles();
    if (container == null) return CompletableFuture.completedFuture(null);
    return deps.runtime().remove(container.id());
  }

  /**
   * The proxy stopped: closes the handles and, unless {@link #remove} already asked for it, removes
   * the container, so that a crash or a stop from outside does not leak it.
   */
  void abandon(boolean removing) {
    if (!removing && container != null) deps.runtime().remove(container.id());
    closeHandles();
  }

  private void closeHandles() {
    if (logs != null) logs.close(); // its stream, or its file on the log reader; never blocks
    if (client != null) client.close();
  }
}
