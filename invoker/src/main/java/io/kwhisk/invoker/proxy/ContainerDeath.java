package io.kwhisk.invoker.proxy;

import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import io.kwhisk.invoker.metrics.InvokerMetrics.Death;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Explains a broken {@code /run} connection by asking the engine what became of the container, so
 * the activation is completed with the reason (OOM kill, kill from outside, exit) instead of a
 * generic error. Runs off the actor.
 */
final class ContainerDeath {
  /**
   * The engine marks a container dead (and OOM-killed) a moment after its process went; wait that
   * long at most.
   */
  private static final Duration SETTLE = Duration.ofSeconds(2);

  private ContainerDeath() {}

  /**
   * {@code outcome}, or for a failed call a {@link CallOutcome.Died} with the container's status.
   */
  static CompletionStage<CallOutcome> explain(
      CompletionStage<CallOutcome> outcome,
      ContainerRuntime runtime,
      InvokerMetrics metrics,
      String containerId) {
    return outcome.thenCompose(
        o -> {
          if (!(o instanceof CallOutcome.Failed f)) return CompletableFuture.completedFuture(o);
          return runtime
              .awaitStopped(containerId, SETTLE)
              .<CallOutcome>thenApply(
                  status -> {
                    if (status.running()) return f;
                    metrics.containerDied(
                        status.oomKilled()
                            ? Death.OOM_KILLED
                            : status.gone() || status.exitCode() == 137 || status.exitCode() == 143
                                ? Death.KILLED
                                : Death.EXITED);
                    return new CallOutcome.Died(f.reason(), status);
                  })
              .exceptionally(e -> f);
        });
  }
}
