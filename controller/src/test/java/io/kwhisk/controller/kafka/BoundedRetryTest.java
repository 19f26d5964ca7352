package io.kwhisk.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The retry is driven by a timer that records each wait and runs the next attempt at once. */
@Timeout(5)
class BoundedRetryTest {
  private final List<Duration> waits = new ArrayList<>();
  private final BoundedRetry retry =
      new BoundedRetry(
          5,
          Duration.ofMillis(50),
          delay -> {
            waits.add(delay);
            return Runnable::run;
          });

  @Test
  void aCallThatFailsRetriablyIsTriedAgainAfterDoublingWaitsUntilItSucceeds() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    CompletionStage<String> outcome =
        retry.run(
            failingFirst(2, new UnknownTopicOrPartitionException("not yet"), calls),
            UnknownTopicOrPartitionException.class::isInstance);

    assertThat(outcome.toCompletableFuture().get(1, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(calls).hasValue(3);
    assertThat(waits).containsExactly(Duration.ofMillis(50), Duration.ofMillis(100));
  }

  @Test
  void theLastAttemptsFailureIsTheOutcomeAfterTheBoundedNumberOfAttempts() {
    AtomicInteger calls = new AtomicInteger();

    CompletionStage<String> outcome =
        retry.run(
            failingFirst(Integer.MAX_VALUE, new UnknownTopicOrPartitionException("never"), calls),
            UnknownTopicOrPartitionException.class::isInstance);

    assertThatThrownBy(() -> outcome.toCompletableFuture().get(1, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
    assertThat(calls).hasValue(5);
    assertThat(waits)
        .containsExactly(
            Duration.ofMillis(50),
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(400));
  }

  @Test
  void aFailureThatIsNotRetriableIsTheOutcomeAtOnce() {
    AtomicInteger calls = new AtomicInteger();

    CompletionStage<String> outcome =
        retry.run(
            failingFirst(1, new TopicAuthorizationException("no"), calls),
            UnknownTopicOrPartitionException.class::isInstance);

    assertThatThrownBy(() -> outcome.toCompletableFuture().get(1, TimeUnit.SECONDS))
        .hasCauseInstanceOf(TopicAuthorizationException.class);
    assertThat(calls).hasValue(1);
    assertThat(waits).isEmpty();
  }

  @Test
  void aCallThatThrowsInsteadOfFailingItsStageIsRetriedAlike() throws Exception {
    AtomicInteger calls = new AtomicInteger();

    CompletionStage<String> outcome =
        retry.run(
            () -> {
              if (calls.incrementAndGet() == 1)
                throw new UnknownTopicOrPartitionException("thrown");
              return CompletableFuture.completedStage("done");
            },
            UnknownTopicOrPartitionException.class::isInstance);

    assertThat(outcome.toCompletableFuture().get(1, TimeUnit.SECONDS)).isEqualTo("done");
    assertThat(waits).containsExactly(Duration.ofMillis(50));
  }

  /** A call whose first {@code failures} stages fail with {@code error}, as Kafka's futures do. */
  private static Supplier<CompletionStage<String>> failingFirst(
      int failures, RuntimeException error, AtomicInteger calls) {
    return () ->
        calls.incrementAndGet() <= failures
            ? CompletableFuture.failedStage(error)
            : CompletableFuture.completedStage("done");
  }
}
