package io.kwhisk.invoker.fake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.invoker.proxy.ActionContainer;
import io.kwhisk.invoker.proxy.CallOutcome;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * An action container whose {@code /init} succeeds (or answers {@link #initAnswer} when the test
 * sets it) and whose {@code /run} calls the test completes by hand.
 */
public final class FakeContainer implements ActionContainer, ActionContainer.Factory {
  /** A {@code /run} call waiting for the test to answer it. */
  public record PendingRun(ObjectNode body, CompletableFuture<CallOutcome> answer) {}

  public final BlockingQueue<PendingRun> runs = new LinkedBlockingQueue<>();

  /** Whether the proxy closed its client (its connection to the container). */
  public volatile boolean closed;

  /** When set, what {@code /init} answers: the test completes it by hand. */
  public volatile CompletableFuture<CallOutcome> initAnswer;

  @Override
  public ActionContainer connect(String host, int port, int concurrency) {
    return this;
  }

  @Override
  public CompletionStage<CallOutcome> init(ObjectNode body, Duration timeout) {
    if (initAnswer != null) return initAnswer;
    return CompletableFuture.completedFuture(
        new CallOutcome.Answered(200, Json.object().put("ok", true)));
  }

  @Override
  public CompletionStage<CallOutcome> run(ObjectNode body, Duration timeout) {
    CompletableFuture<CallOutcome> answer = new CompletableFuture<>();
    runs.add(new PendingRun(body, answer));
    return answer;
  }

  @Override
  public void close() {
    closed = true;
  }
}
