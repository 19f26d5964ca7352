package io.kwhisk.controller.kafka;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Tries an asynchronous call again when it fails with an error the caller names retriable, at most
 * {@code attempts} times in all, waiting {@code firstDelay} before the second attempt and twice as
 * long before each next one. No thread waits: each retry is started by {@code timer}, which for a
 * delay gives an executor that runs a task once that delay has passed. A failure that is not
 * retriable, or the last attempt's, is the outcome as it is. Thread-safe and stateless; the call
 * runs on whatever thread completes the timer (it must not block: a Kafka {@code Admin} call only
 * hands its request to the client's own thread).
 */
final class BoundedRetry {
  private final int attempts;
  private final Duration firstDelay;
  private final Function<Duration, Executor> timer;

  BoundedRetry(int attempts, Duration firstDelay, Function<Duration, Executor> timer) {
    if (attempts < 1)
      throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
    if (firstDelay.isNegative())
      throw new IllegalArgumentException("firstDelay must not be negative: " + firstDelay);
    this.attempts = attempts;
    this.firstDelay = firstDelay;
    this.timer = Objects.requireNonNull(timer, "timer should not be null");
  }

  /**
   * Retries on {@link CompletableFuture#delayedExecutor}'s timer thread, which then only starts the
   * next attempt.
   */
  static BoundedRetry onTimer(int attempts, Duration firstDelay) {
    return new BoundedRetry(
        attempts,
        firstDelay,
        delay ->
            CompletableFuture.delayedExecutor(
                delay.toMillis(), TimeUnit.MILLISECONDS, Runnable::run));
  }

  /**
   * What {@code call} completes with, tried again while it fails with what {@code retriable}
   * accepts.
   */
  <T> CompletionStage<T> run(
      Supplier<? extends CompletionStage<T>> call, Predicate<Throwable> retriable) {
    return attempt(call, retriable, 1, firstDelay);
  }

  private <T> CompletionStage<T> attempt(
      Supplier<? extends CompletionStage<T>> call,
      Predicate<Throwable> retriable,
      int attempt,
      Duration delay) {
    CompletionStage<T> stage;
    try {
      stage = call.get();
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedStage(e);
    }
    return stage
        .handle(
            (value, t) -> {
              if (t == null) return CompletableFuture.completedStage(value);
              Throwable cause = unwrap(t);
              if (attempt >= attempts || !retriable.test(cause))
                return CompletableFuture.<T>failedStage(cause);
              return CompletableFuture.runAsync(() -> {}, timer.apply(delay))
                  .thenCompose(v -> attempt(call, retriable, attempt + 1, delay.multipliedBy(2)));
            })
        .thenCompose(Function.identity());
  }

  private static Throwable unwrap(Throwable t) {
    return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
  }
}
