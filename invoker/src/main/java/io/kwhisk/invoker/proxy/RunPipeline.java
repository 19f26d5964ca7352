package io.kwhisk.invoker.proxy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One container's path from a pulled activation to its written completion, off the actor: {@code
 * /run}, the run's log lines, the activation record, the completion write and the acknowledgement
 * that follows it. Holds only immutable values, so its continuations may run on any thread; the
 * {@link ContainerProxy} keeps the slots, the state and the messages.
 */
final class RunPipeline {
  /**
   * A {@code /run} that ended with {@code response}; {@code written} is the write of its
   * completion, issued.
   */
  record Ran(
      Delivery delivery,
      long start,
      long end,
      CallOutcome outcome,
      ActivationResponse response,
      CompletionStage<Void> written) {}

  private final Action action;
  private final ProxyDeps deps;
  private final RecordBudget budget;

  RunPipeline(Action action, ProxyDeps deps) {
    this.action = action;
    this.deps = deps;
    this.budget = new RecordBudget(deps.publisher().maxCompletionBytes());
  }

  /**
   * Calls {@code /run}, then writes the completion once the run's logs are in (see {@link #write})
   * without waiting for a turn of the actor. The next activation may start before this one's logs
   * are in: the log collector hands out segments in the order they were asked for, which is the
   * order of the runs. The stage always ends in a {@link Ran}: a run that could not even be called
   * is recorded as failed (no logs). The activation is counted in the invoker's metrics by outcome
   * and duration.
   */
  CompletionStage<Ran> run(
      Delivery d,
      ActionContainer client,
      String containerId,
      LogCollector collector,
      ActivationSource source,
      OptionalLong initTime) {
    int timeoutMs = action.limits().timeout();
    long start = deps.clock().millis();
    CompletionStage<CallOutcome> call;
    try {
      call =
          ContainerDeath.explain(
              client.run(
                  ActivationResults.runPayload(d.message(), action, start, timeoutMs),
                  deps.settings().runTimeout(action.limits())),
              deps.runtime(),
              deps.metrics(),
              containerId);
    } catch (RuntimeException e) {
      call = CompletableFuture.failedFuture(e);
    }
    return call.handle(
        (outcome, error) -> {
          long end = deps.clock().millis();
          CallOutcome o = outcome != null ? outcome : new CallOutcome.Failed(String.valueOf(error));
          ActivationResponse response =
              ActivationResults.run(o, action.limits().timeout(), budget.maxResultBytes());
          boolean timedOut = o instanceof CallOutcome.TimedOut;
          CompletionStage<ActivationRecord> record =
              logsAfter(collector, o)
                  .thenApply(
                      lines ->
                          ActivationResults.record(
                              d.message(),
                              action,
                              response,
                              start,
                              end,
                              initTime,
                              timedOut,
                              budget.fit(lines, response.result())));
          deps.metrics().activation(outcomeOf(response), Duration.ofMillis(end - start));
          return new Ran(d, start, end, o, response, write(d, record, source, containerId));
        });
  }

  /**
   * Completes {@code d} with {@code failure} without running it: the container failed its init or
   * can never start. A failed init's record carries the init's output, which the runtime ended
   * before it answered {@code /init}.
   */
  CompletionStage<Void> fail(
      Delivery d,
      ActivationResponse failure,
      LogCollector collector,
      ActivationSource source,
      String containerId) {
    long now = deps.clock().millis();
    List<String> initLogs = collector == null ? List.of() : collector.next().getNow(List.of());
    ActivationRecord record =
        ActivationResults.record(
            d.message(), action, failure, now, now, OptionalLong.empty(), false, initLogs);
    return write(d, CompletableFuture.completedFuture(record), source, containerId);
  }

  private static InvokerMetrics.Outcome outcomeOf(ActivationResponse r) {
    return switch (r.statusCode()) {
      case ActivationResponse.SUCCESS -> InvokerMetrics.Outcome.SUCCESS;
      case ActivationResponse.APPLICATION_ERROR -> InvokerMetrics.Outcome.APPLICATION_ERROR;
      case ActivationResponse.DEVELOPER_ERROR -> InvokerMetrics.Outcome.DEVELOPER_ERROR;
      default -> InvokerMetrics.Outcome.WHISK_ERROR;
    };
  }

  /**
   * This activation's log lines, or none when they cannot be collected (concurrency above 1,
   * container broken).
   */
  private CompletionStage<List<String>> logsAfter(LogCollector collector, CallOutcome outcome) {
    if (collector == null || !ActivationResults.answered(outcome)) {
      return CompletableFuture.completedFuture(List.of());
    }
    CompletableFuture<List<String>> next = collector.next();
    long waitMs = deps.settings().logCollectionTimeout().toMillis();
    return next.completeOnTimeout(null, waitMs, TimeUnit.MILLISECONDS)
        .thenApply(
            lines -> {
              if (lines != null) return LogCollector.truncate(lines, action.limits().logBytes());
              collector.abandon(next);
              return List.of();
            });
  }

  /**
   * Writes the completion, which carries the whole activation record (its logs included), when
   * {@code record} is ready; then acknowledges the delivery to {@code source}, or releases it if
   * the write failed. One write per activation: the completion is also the durable record that
   * controllers serve {@code GET /activations} from, so a record can never be stored twice with
   * different contents. The cost is that a blocking caller also waits for the container's log
   * lines, which the runtime ends with its sentinels before it answers {@code /run}. At-least-once:
   * the ack follows the write. It is given from the producer's callback rather than after a turn of
   * the actor, so the feed polls again sooner. A source that failed or closed meanwhile ignores the
   * ack; the broker redelivers the record.
   */
  CompletionStage<Void> write(
      Delivery d,
      CompletionStage<ActivationRecord> record,
      ActivationSource source,
      String containerId) {
    int invokerId = deps.settings().invokerId();
    CompletableFuture<Void> written =
        record
            .thenCompose(
                r ->
                    deps.publisher()
                        .completion(
                            d.message().controllerId(),
                            new CompletionMessage(r.activationId(), invokerId, containerId, r)))
            .toCompletableFuture();
    return written.whenComplete(
        (ok, e) -> {
          if (source == null) return;
          if (e == null) source.acknowledge(d);
          else source.release(d);
        });
  }
}
