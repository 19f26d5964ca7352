package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One container's path from a pulled activation to its written completion, off the actor: {@code /run}, the run's
 * log lines, the activation record, the completion write and the acknowledgement that follows it. Holds only
 * immutable values, so its continuations may run on any thread; the {@link ContainerProxy} keeps the slots, the
 * state and the messages.
 */
final class RunPipeline {
  /**
   * A {@code /run} that ended. {@code written} is the write of its completion, already issued (null when the run
   * failed before it could be: {@link #writeAfterFailure} writes it then).
   */
  record Ran(
      Delivery delivery, long start, long end, CallOutcome outcome, ActivationResponse response,
      CompletionStage<Void> written) {}

  private final Action action;
  private final ContainerProxy.Deps deps;
  private final RecordBudget budget;

  RunPipeline(Action action, ContainerProxy.Deps deps) {
    this.action = action;
    this.deps = deps;
    this.budget = new RecordBudget(deps.publisher().maxCompletionBytes());
  }

  /**
   * Calls {@code /run}, then writes the completion once the run's logs are in (see {@link #write}) without waiting
   * for a turn of the actor. The next activation may start before this one's logs are in: the log collector hands
   * out segments in the order they were asked for, which is the order of the runs. A stage that fails instead of
   * ending in a {@link Ran} means the run could not even be called: the caller records it as failed.
   */
  CompletionStage<Ran> run(
      Delivery d, ActionContainer client, String containerId, LogCollector collector, ActivationSource source,
      OptionalLong initTime) {
    int timeoutMs = action.limits().timeout();
    long start = deps.clock().millis();
    CompletionStage<CallOutcome> call = ContainerDeath.explain(client.run(
        ActivationResults.runPayload(d.message(), action, start, timeoutMs), deps.config().runTimeout(action.limits())),
        deps.runtime(), deps.metrics(), containerId);
    return call.thenApply(outcome -> {
      long end = deps.clock().millis();
      ActivationResponse response = response(outcome);
      boolean timedOut = outcome instanceof CallOutcome.TimedOut;
      CompletionStage<ActivationRecord> record = logsAfter(collector, outcome).thenApply(lines ->
          ActivationResults.record(d.message(), action, response, start, end, initTime, timedOut,
              budget.fit(lines, response.result())));
      return new Ran(d, start, end, outcome, response, write(d, record, source, containerId));
    });
  }

  /** What a run's outcome answers: its result, or the error it stands for. */
  ActivationResponse response(CallOutcome outcome) {
    return ActivationResults.run(outcome, action.limits().timeout(), budget.maxResultBytes());
  }

  /** Writes the record of a run that failed before its completion could be written (no logs). */
  CompletionStage<Void> writeAfterFailure(
      Ran ran, OptionalLong initTime, ActivationSource source, String containerId) {
    ActivationRecord record = ActivationResults.record(ran.delivery().message(), action, response(ran.outcome()),
        ran.start(), ran.end(), initTime, ran.outcome() instanceof CallOutcome.TimedOut, List.of());
    return write(ran.delivery(), CompletableFuture.completedFuture(record), source, containerId);
  }

  /**
   * This activation's log lines, or none when they cannot be collected (concurrency above 1, container broken).
   */
  private CompletionStage<List<String>> logsAfter(LogCollector collector, CallOutcome outcome) {
    if (collector == null || !ActivationResults.answered(outcome)) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletableFuture<List<String>> next = collector.next();
    long waitMs = deps.config().logCollectionTimeout().toMillis();
    return next.completeOnTimeout(null, waitMs, TimeUnit.MILLISECONDS).thenApply(lines -> {
      if (lines != null) return LogCollector.truncate(lines, action.limits().logBytes());
      collector.abandon(next);
      return List.of();
    });
  }

  /**
   * Writes the completion, which carries the whole activation record (its logs included), when {@code record} is
   * ready; then acknowledges the delivery to {@code source}, or releases it if the write failed. One write per
   * activation: the completion is also the durable record that controllers serve {@code GET /activations} from, so
   * a record can never be stored twice with different contents. The cost is that a blocking caller also waits for
   * the container's log lines, which the runtime ends with its sentinels before it answers {@code /run}.
   * At-least-once: the ack follows the write. It is given from the producer's callback rather than after a turn of
   * the actor, so the feed polls again sooner. A source that failed or closed meanwhile ignores the ack; the broker
   * redelivers the record.
   */
  CompletionStage<Void> write(
      Delivery d, CompletionStage<ActivationRecord> record, ActivationSource source, String containerId) {
    int invokerId = deps.config().invokerId();
    CompletableFuture<Void> written = record.thenCompose(r -> deps.publisher().completion(d.message().controllerId(),
        new CompletionMessage(r.activationId(), invokerId, containerId, r))).toCompletableFuture();
    return written.whenComplete((ok, e) -> {
      if (source == null) return;
      if (e == null) source.acknowledge(d);
      else source.release(d);
    });
  }
}
