package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.entity.FullyQualifiedName;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AdmissionTest {
  /** Allowed backlog: max(8, containers x concurrency x 2, drain x 5 s); namespace default 1000. */
  static final AdmissionSettings SETTINGS =
      new AdmissionSettings(
          1000,
          2,
          8,
          Duration.ofSeconds(5),
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60));

  final ManualClock clock = new ManualClock();
  final AtomicInteger capacity = new AtomicInteger(1);
  final Map<String, Integer> namespaceLimits = new HashMap<>();
  final Admission admission =
      new Admission(
          SETTINGS,
          clock,
          a -> capacity.get(),
          ns -> namespaceLimits.getOrDefault(ns, SETTINGS.namespaceConcurrency()));
  final Map<String, QueueOffsets> kafka = new HashMap<>();
  final List<List<FullyQualifiedName>> asked = new ArrayList<>();
  final LagSource source =
      actions -> {
        asked.add(List.copyOf(actions));
        return Map.copyOf(kafka);
      };
  int ids;

  static Action action(String ns, String name, int concurrency, int timeoutMs) {
    return new Action(
        ns,
        name,
        "r1",
        "0.0.1",
        new Exec("nodejs:20", "x", null, false, null),
        null,
        null,
        new ActionLimits(timeoutMs, 256, 10, concurrency),
        4,
        false,
        0);
  }

  static Action action(String name) {
    return action("guest", name, 1, 60_000);
  }

  Optional<Rejection> invoke(Action action) {
    return admission.admit("id" + (ids++), action);
  }

  int admitted(Action action, int tries) {
    int n = 0;
    for (int i = 0; i < tries; i++) if (invoke(action).isEmpty()) n++;
    return n;
  }

  @Test
  void anActionIsAdmittedUntilItsBacklogReachesItsLimitThenRefusedNamingTheLimit() {
    Action hello = action("hello");
    assertThat(admitted(hello, 8)).isEqualTo(8);
    Rejection r = invoke(hello).orElseThrow();
    assertThat(r.limit()).isEqualTo(Rejection.Limit.ACTION_BACKLOG);
    assertThat(r.count()).isEqualTo(8);
    assertThat(r.allowed()).isEqualTo(8);
    assertThat(r.message())
        .isEqualTo("Too many activations queued for this action (count: 8, allowed: 8).");
    assertThat(r.retryAfterSeconds()).as("no drain seen yet: the ceiling").isEqualTo(30);
    assertThat(admission.backlog("guest/hello")).isEqualTo(8);
  }

  @Test
  void theAllowedBacklogGrowsWithTheSlotsTheActionMayGet() {
    capacity.set(10);
    Action wide = action("guest", "wide", 3, 60_000);
    assertThat(admitted(wide, 100)).isEqualTo(60);
  }

  @Test
  void oneRefreshAsksForEveryActiveActionAtOnceAndAdoptsKafkasLag() throws Exception {
    admitted(action("a"), 3);
    admitted(action("b"), 5);
    kafka.put("guest/a", new QueueOffsets(3, 1));
    kafka.put("guest/b", new QueueOffsets(5, 5));
    admission.refresh(source);
    assertThat(asked).hasSize(1);
    assertThat(asked.get(0))
        .extracting(FullyQualifiedName::path)
        .containsExactlyInAnyOrder("guest/a", "guest/b");
    assertThat(admission.backlog("guest/a")).isEqualTo(1);
    assertThat(admission.backlog("guest/b")).isEqualTo(5);
    admitted(action("a"), 2);
    assertThat(admission.backlog("guest/a"))
        .as("the lag plus what was produced since")
        .isEqualTo(3);
  }

  @Test
  void ownCompletionsSinceTheLastRefreshShortenTheEstimatedBacklog() throws Exception {
    Action hello = action("hello");
    assertThat(admission.admit("a1", hello)).isEmpty();
    assertThat(admission.admit("a2", hello)).isEmpty();
    assertThat(admission.admit("a3", hello)).isEmpty();
    kafka.put("guest/hello", new QueueOffsets(3, 3));
    admission.refresh(source);
    admission.completed("a1");
    admission.completed("a1");
    assertThat(admission.backlog("guest/hello"))
        .as("3 reported, 1 completed since, counted once")
        .isEqualTo(2);
    kafka.put("guest/hello", new QueueOffsets(3, 2));
    admission.refresh(source);
    assertThat(admission.backlog("guest/hello"))
        .as("the refresh's lag replaces the count")
        .isEqualTo(2);
  }

  @Test
  void aRefusedActionIsAdmittedAgainOnceItsQueueDrains() throws Exception {
    Action hello = action("hello");
    for (int i = 0; i < 8; i++) assertThat(admission.admit("h" + i, hello)).isEmpty();
    kafka.put("guest/hello", new QueueOffsets(8, 8));
    admission.refresh(source);
    assertThat(invoke(hello)).isPresent();
    clock.advance(1_000);
    for (int i = 0; i < 8; i++) admission.completed("h" + i);
    kafka.put("guest/hello", new QueueOffsets(8, 0));
    admission.refresh(source);
    assertThat(invoke(hello)).isEmpty();
    assertThat(admission.drainRate("guest/hello")).as("8 completions in 1 s").isEqualTo(8.0);
  }

  @Test
  void theDrainRateComesFromCompletionsNotFromTheOffsets() throws Exception {
    Action hello = action("hello");
    for (int i = 0; i < 8; i++) assertThat(admission.admit("h" + i, hello)).isEmpty();
    kafka.put("guest/hello", new QueueOffsets(8, 8));
    admission.refresh(source);
    clock.advance(1_000);
    admission.completed("h0");
    admission.completed("h1");
    kafka.put("guest/hello", new QueueOffsets(8, 0));
    admission.refresh(source);
    assertThat(admission.drainRate("guest/hello"))
        .as("the lag fell by 8 (records acquired by invokers drop out of it), but only 2 completed")
        .isEqualTo(2.0);
  }

  @Test
  void retryAfterIsTheExcessBacklogOverTheObservedDrainRate() throws Exception {
    capacity.set(0);
    Action slow = action("slow");
    for (int i = 0; i < 8; i++) assertThat(admission.admit("s" + i, slow)).isEmpty();
    kafka.put("guest/slow", new QueueOffsets(8, 8));
    admission.refresh(source);
    clock.advance(1_000);
    admission.completed("s0");
    kafka.put("guest/slow", new QueueOffsets(9, 8));
    admission.refresh(source);
    assertThat(admission.drainRate("guest/slow")).as("one completion in 1 s").isEqualTo(1.0);
    Rejection r = invoke(slow).orElseThrow();
    assertThat(r.count()).isEqualTo(8);
    assertThat(r.retryAfterSeconds()).as("one over at one per second").isEqualTo(1);
    kafka.put("guest/slow", new QueueOffsets(12, 11));
    admission.refresh(source);
    Rejection later = invoke(slow).orElseThrow();
    assertThat(later.count()).isEqualTo(11);
    assertThat(later.retryAfterSeconds()).as("(11 - 8 + 1) / 1 per second").isEqualTo(4);
  }

  @Test
  void aFastDrainingActionIsAllowedALongerQueue() throws Exception {
    capacity.set(100);
    Action fast = action("fast");
    for (int i = 0; i < 100; i++) assertThat(admission.admit("f" + i, fast)).isEmpty();
    kafka.put("guest/fast", new QueueOffsets(100, 100));
    admission.refresh(source);
    clock.advance(1_000);
    for (int i = 0; i < 100; i++) admission.completed("f" + i);
    capacity.set(0);
    kafka.put("guest/fast", new QueueOffsets(100, 0));
    admission.refresh(source);
    assertThat(admission.allowedBacklog("guest/fast")).as("100 per second x 5 s").contains(500L);
  }

  @Test
  void aQuietSpellDoesNotDecayTheDrainRate() throws Exception {
    Action hello = action("hello");
    for (int i = 0; i < 8; i++) assertThat(admission.admit("h" + i, hello)).isEmpty();
    kafka.put("guest/hello", new QueueOffsets(8, 8));
    admission.refresh(source);
    clock.advance(1_000);
    for (int i = 0; i < 8; i++) admission.completed("h" + i);
    kafka.put("guest/hello", new QueueOffsets(8, 0));
    admission.refresh(source);
    assertThat(admission.drainRate("guest/hello")).isEqualTo(8.0);
    for (int s = 0; s < 30; s++) {
      clock.advance(1_000);
      admission.refresh(source);
    }
    assertThat(admission.drainRate("guest/hello"))
        .as("nothing of ours was queued: no sample")
        .isEqualTo(8.0);
  }

  @Test
  void theNamespaceConcurrencyLimitRefusesBeyondItAndACompletionFreesASlot() {
    namespaceLimits.put("guest", 3);
    assertThat(admission.admit("x1", action("a"))).isEmpty();
    assertThat(admission.admit("x2", action("b"))).isEmpty();
    assertThat(admission.admit("x3", action("c"))).isEmpty();
    Rejection r = admission.admit("x4", action("d")).orElseThrow();
    assertThat(r.limit()).isEqualTo(Rejection.Limit.NAMESPACE_CONCURRENCY);
    assertThat(r.message())
        .isEqualTo("Too many concurrent requests in flight (count: 3, allowed: 3).");
    assertThat(admission.admit("other", action("ns2", "a", 1, 60_000)))
        .as("other namespaces are apart")
        .isEmpty();
    admission.completed("x2");
    admission.completed("x2");
    assertThat(admission.inFlight("guest")).isEqualTo(2);
    assertThat(admission.admit("x5", action("d"))).isEmpty();
    assertThat(admission.admit("x6", action("d"))).isPresent();
  }

  @Test
  void aNamespaceRefusalDoesNotCountAgainstTheActionsBacklog() {
    namespaceLimits.put("guest", 1);
    admitted(action("a"), 5);
    assertThat(admission.backlog("guest/a")).isEqualTo(1);
  }

  @Test
  void aReleasedActivationGivesBackItsPlaceInTheNamespaceAndTheQueue() {
    namespaceLimits.put("guest", 1);
    assertThat(admission.admit("x1", action("a"))).isEmpty();
    admission.release("x1");
    assertThat(admission.inFlight("guest")).isZero();
    assertThat(admission.backlog("guest/a")).isZero();
    assertThat(admission.admit("x2", action("a"))).isEmpty();
  }

  @Test
  void anActivationThatNeverCompletesIsForgottenAfterItsTimeoutPlusIdleTime() throws Exception {
    namespaceLimits.put("guest", 1);
    assertThat(admission.admit("x1", action("guest", "a", 1, 1_000))).isEmpty();
    clock.advance(60_000);
    admission.refresh(source);
    assertThat(admission.inFlight("guest")).isEqualTo(1);
    clock.advance(1_001);
    admission.refresh(source);
    assertThat(admission.inFlight("guest")).isZero();
  }

  @Test
  void namespaceCompletionsGiveTheRetryAfterOfTheConcurrencyLimit() throws Exception {
    namespaceLimits.put("guest", 4);
    for (int i = 0; i < 4; i++) admission.admit("x" + i, action("a"));
    admission.refresh(source);
    clock.advance(1_000);
    admission.completed("x0");
    admission.completed("x1");
    admission.refresh(source);
    admission.admit("x4", action("a"));
    admission.admit("x5", action("a"));
    Rejection r = admission.admit("x6", action("a")).orElseThrow();
    assertThat(r.retryAfterSeconds()).as("(4 - 4 + 1) / 2 per second, rounded up").isEqualTo(1);
  }

  @Test
  void anIdleActionWithAnEmptyQueueLeavesTheView() throws Exception {
    admitted(action("a"), 1);
    kafka.put("guest/a", new QueueOffsets(1, 0));
    admission.refresh(source);
    assertThat(admission.activeActions()).isEqualTo(1);
    clock.advance(61_000);
    admission.refresh(source);
    assertThat(admission.activeActions()).isZero();
    asked.clear();
    admission.refresh(source);
    assertThat(asked).as("nothing to ask about, no call").isEmpty();
  }

  @Test
  void aFailedRefreshKeepsTheEstimates() throws Exception {
    admitted(action("a"), 3);
    assertThatThrownBy(
            () ->
                admission.refresh(
                    actions -> {
                      throw new IllegalStateException("kafka away");
                    }))
        .hasMessageContaining("kafka away");
    assertThat(admission.backlog("guest/a")).isEqualTo(3);
  }

  @Test
  void aDeletedActionIsForgotten() {
    admitted(action("a"), 3);
    admission.forget("guest/a");
    assertThat(admission.backlog("guest/a")).isZero();
  }
}
