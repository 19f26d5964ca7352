package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OutstandingActivationsTest {
  private final OutstandingActivations outstanding = new OutstandingActivations();

  @Test
  void aDuplicateSubmissionIsCountedOnce() {
    assertThat(outstanding.add("a1", "ns/f", 0, 100)).isTrue();
    assertThat(outstanding.add("a1", "ns/f", 5, 100)).isFalse();
    assertThat(outstanding.count("ns/f")).isEqualTo(1);
  }

  @Test
  void theLastCompletionOfAnActionLeavesItIdle() {
    outstanding.add("a1", "ns/f", 0, 100);
    outstanding.add("a2", "ns/f", 0, 100);
    assertThat(outstanding.complete("a1")).contains(new OutstandingActivations.Left("ns/f", false));
    assertThat(outstanding.has("ns/f")).isTrue();
    assertThat(outstanding.complete("a2")).contains(new OutstandingActivations.Left("ns/f", true));
    assertThat(outstanding.has("ns/f")).isFalse();
    assertThat(outstanding.count("ns/f")).isZero();
  }

  @Test
  void aCompletionOfAnUnknownOrRepeatedIdChangesNothing() {
    outstanding.add("a1", "ns/f", 0, 100);
    assertThat(outstanding.complete("other")).isEmpty();
    outstanding.complete("a1");
    assertThat(outstanding.complete("a1")).isEmpty();
  }

  @Test
  void onlyActivationsPastTheirExpiryAreForgotten() {
    outstanding.add("old", "ns/f", 0, 50);
    outstanding.add("new", "ns/f", 40, 150);
    outstanding.add("other", "ns/g", 0, 60);
    List<OutstandingActivations.Left> left = outstanding.expire(100);
    assertThat(left)
        .containsExactlyInAnyOrder(
            new OutstandingActivations.Left("ns/f", false),
            new OutstandingActivations.Left("ns/g", true));
    assertThat(outstanding.count("ns/f")).isEqualTo(1);
    assertThat(outstanding.complete("old")).as("expired already").isEmpty();
  }

  @Test
  void eachActionIsVisitedWithItsCountAndOldestSubmission() {
    outstanding.add("a1", "ns/f", 30, 100);
    outstanding.add("a2", "ns/f", 10, 100);
    outstanding.add("b1", "ns/g", 20, 100);
    Map<String, long[]> seen = new HashMap<>();
    outstanding.forEach((path, n, oldest) -> seen.put(path, new long[] {n, oldest}));
    assertThat(seen).containsOnlyKeys("ns/f", "ns/g");
    assertThat(seen.get("ns/f")).containsExactly(2, 10);
    assertThat(seen.get("ns/g")).containsExactly(1, 20);
  }

  @Test
  void forgettingAnActionDropsAllItsActivations() {
    outstanding.add("a1", "ns/f", 0, 100);
    outstanding.add("a2", "ns/f", 0, 100);
    outstanding.add("b1", "ns/g", 0, 100);
    outstanding.forget("ns/f");
    assertThat(outstanding.has("ns/f")).isFalse();
    assertThat(outstanding.complete("a1")).isEmpty();
    assertThat(outstanding.count("ns/g")).isEqualTo(1);
  }
}
