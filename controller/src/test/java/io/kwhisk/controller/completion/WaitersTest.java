package io.kwhisk.controller.completion;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.ActivationResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class WaitersTest {
  static ActivationRecord record(String id) {
    return new ActivationRecord(
        "guest",
        "a",
        "0.0.1",
        "guest",
        id,
        0,
        0,
        0,
        0,
        ActivationResponse.success(null),
        null,
        null,
        false);
  }

  @Test
  void aCompletionWakesItsWaiter() {
    Waiters waiters = new Waiters(10);
    CompletableFuture<ActivationRecord> waiter = waiters.register("a1");
    assertThat(waiters.complete(record("a1"))).isTrue();
    assertThat(waiter).isCompletedWithValue(record("a1"));
    assertThat(waiters.waiting()).isZero();
  }

  @Test
  void aDuplicateCompletionIsDropped() {
    Waiters waiters = new Waiters(10);
    assertThat(waiters.complete(record("a1"))).isTrue();
    assertThat(waiters.complete(record("a1"))).isFalse();
  }

  @Test
  void aCancelledWaiterIsForgotten() {
    Waiters waiters = new Waiters(10);
    CompletableFuture<ActivationRecord> waiter = waiters.register("a1");
    waiters.cancel("a1");
    waiters.complete(record("a1"));
    assertThat(waiter).isNotDone();
  }

  @Test
  void onlyTheMostRecentCompletionsAreRemembered() {
    Waiters waiters = new Waiters(2);
    waiters.complete(record("a1"));
    waiters.complete(record("a2"));
    waiters.complete(record("a3"));
    assertThat(waiters.complete(record("a1"))).isTrue();
    assertThat(waiters.complete(record("a3"))).isFalse();
  }
}
