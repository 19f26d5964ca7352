package io.kwhisk.invoker.push;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.common.message.PushedActivation;
import io.kwhisk.invoker.push.PushState.Create;
import io.kwhisk.invoker.push.PushState.Decision;
import io.kwhisk.invoker.push.PushState.Evict;
import io.kwhisk.invoker.push.PushState.Pending;
import io.kwhisk.invoker.push.PushState.Run;
import io.kwhisk.invoker.push.PushState.Step;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class PushStateTest {
  final AtomicInteger ids = new AtomicInteger();
  final AtomicInteger names = new AtomicInteger();

  static Action action(String name, String revision, int memory, int concurrency) {
    return new Action(
        "guest",
        name,
        revision,
        null,
        new Exec("nodejs:20", "x", null, false, null),
        null,
        null,
        new ActionLimits(60_000, memory, 10, concurrency),
        0,
        false,
        0);
  }

  static Action action(String name) {
    return action(name, "r1", 256, 1);
  }

  Pending work(Action a) {
    String id = "a" + ids.incrementAndGet();
    ActivationMessage m =
        new ActivationMessage(
            id, "t", a.namespace(), a.name(), a.revision(), "guest", Json.object(), true, 0, 0);
    return new Pending(new PushedActivation(a, m), 0);
  }

  Step dispatch(PushState s, long now) {
    return s.dispatch(now, a -> "c" + names.incrementAndGet() + "_" + a.name());
  }

  static List<Class<?>> kinds(Step step) {
    return step.decisions().stream().<Class<?>>map(Object::getClass).toList();
  }

  static Run onlyRun(Step step) {
    return step.decisions().stream()
        .filter(d -> d instanceof Run)
        .map(d -> (Run) d)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void theFirstActivationCreatesAContainerAndRunsOnIt() {
    Pending p = work(action("a"));
    Step step = dispatch(PushState.empty(512).enqueue(p), 1);
    assertThat(step.decisions())
        .containsExactly(new Create("c1_a", action("a")), new Run("c1_a", p));
    assertThat(step.state().queue()).isEmpty();
    assertThat(step.state().usedMb()).isEqualTo(256);
  }

  @Test
  void aSecondActivationRunsOnTheWarmContainerOnceTheFirstFinished() {
    PushState s =
        dispatch(PushState.empty(512).enqueue(work(action("a"))), 1).state().finished("c1_a", 2);
    Pending second = work(action("a"));
    Step step = dispatch(s.enqueue(second), 3);
    assertThat(step.decisions()).containsExactly(new Run("c1_a", second));
  }

  @Test
  void concurrentActivationsGetNewContainersWhileMemoryAllowsThenQueue() {
    PushState s = PushState.empty(512);
    for (int i = 0; i < 3; i++) s = s.enqueue(work(action("a")));
    Step step = dispatch(s, 1);
    assertThat(kinds(step)).containsExactly(Create.class, Run.class, Create.class, Run.class);
    assertThat(step.state().queue()).hasSize(1);

    Step afterFinish = dispatch(step.state().finished("c2_a", 5), 5);
    assertThat(afterFinish.decisions()).hasSize(1);
    assertThat(onlyRun(afterFinish).container()).isEqualTo("c2_a");
    assertThat(afterFinish.state().queue()).isEmpty();
  }

  @Test
  void anActionWithConcurrencyRunsSeveralActivationsInOneContainer() {
    Action a = action("a", "r1", 256, 3);
    PushState s = PushState.empty(1024);
    for (int i = 0; i < 4; i++) s = s.enqueue(work(a));
    Step step = dispatch(s, 1);
    assertThat(kinds(step))
        .containsExactly(Create.class, Run.class, Run.class, Run.class, Create.class, Run.class);
    assertThat(step.state().boxes().get("c1_a").inFlight()).isEqualTo(3);
  }

  @Test
  void aFullPoolEvictsTheLeastRecentlyUsedIdleContainerOfAnotherActionAndWaitsForIt() {
    PushState s = PushState.empty(512).enqueue(work(action("old"))).enqueue(work(action("recent")));
    s = dispatch(s, 1).state().finished("c1_old", 10).finished("c2_recent", 20);
    Pending b = work(action("b"));
    Step step = dispatch(s.enqueue(b), 30);
    assertThat(step.decisions()).containsExactly(new Evict("c1_old"));
    assertThat(step.state().queue()).containsExactly(b);
    assertThat(step.state().boxes().get("c1_old").removing()).isTrue();

    Step again = dispatch(step.state(), 31);
    assertThat(again.decisions()).as("the evicted memory is already promised").isEmpty();

    Step afterRemoval = dispatch(again.state().removed("c1_old"), 40);
    assertThat(kinds(afterRemoval)).containsExactly(Create.class, Run.class);
    assertThat(afterRemoval.state().boxes()).containsOnlyKeys("c2_recent", "c3_b");
  }

  @Test
  void aBusyFullPoolQueuesWithoutEvictingAndRunsWhenAContainerOfTheActionFrees() {
    PushState s = dispatch(PushState.empty(256).enqueue(work(action("a"))), 1).state();
    Pending b = work(action("b"));
    Step step = dispatch(s.enqueue(b), 2);
    assertThat(step.decisions()).isEmpty();
    assertThat(step.state().queue()).containsExactly(b);

    Step afterFinish = dispatch(step.state().finished("c1_a", 3), 3);
    assertThat(afterFinish.decisions()).containsExactly(new Evict("c1_a"));
  }

  @Test
  void aBlockedActivationDoesNotStopLaterOnesFromRunningOnWarmContainers() {
    PushState s =
        dispatch(PushState.empty(512).enqueue(work(action("a"))).enqueue(work(action("c"))), 1)
            .state();
    s = s.finished("c2_c", 2);
    Pending big = work(action("big", "r1", 1024, 1));
    Pending c = work(action("c"));
    Pending small = work(action("small"));
    Step step = dispatch(s.enqueue(big).enqueue(c).enqueue(small), 3);
    assertThat(step.decisions()).containsExactly(new Run("c2_c", c));
    assertThat(step.state().queue()).containsExactly(big, small);
  }

  @Test
  void anActivationOfANewRevisionNeverRunsOnAContainerOfTheOldOne() {
    PushState s =
        dispatch(PushState.empty(256).enqueue(work(action("a", "r1", 256, 1))), 1)
            .state()
            .finished("c1_a", 2);
    Step step = dispatch(s.enqueue(work(action("a", "r2", 256, 1))), 3);
    assertThat(step.decisions()).containsExactly(new Evict("c1_a"));
  }

  @Test
  void aContainerThatGaveAnActivationBackTakesNoMoreAndTheActivationGoesFirst() {
    Pending first = work(action("a"));
    PushState s = dispatch(PushState.empty(1024).enqueue(first), 1).state();
    Pending queued = work(action("b"));
    s = s.released("c1_a").enqueue(queued).requeue(first);
    assertThat(s.queue())
        .extracting(Pending::activationId)
        .containsExactly(first.activationId(), queued.activationId());
    assertThat(s.queue().get(0).attempts()).isEqualTo(1);
    Step step = dispatch(s, 2);
    List<Decision> decisions = step.decisions();
    assertThat(decisions.get(0)).isEqualTo(new Create("c2_a", action("a")));
    assertThat(step.state().boxes().get("c1_a").removing()).isTrue();
  }

  @Test
  void theHeartbeatShowsNoRoomWhileActivationsQueue() {
    PushState s =
        dispatch(PushState.empty(512).enqueue(work(action("a"))), 1).state().finished("c1_a", 2);
    InvokerHeartbeat idle = s.heartbeat(9, 5);
    assertThat(idle.freeMemoryMb()).isEqualTo(256);
    assertThat(idle.idleMemoryMb()).isEqualTo(256);
    assertThat(idle.containersByAction()).containsEntry("guest/a", 1);

    PushState full = dispatch(s.enqueue(work(action("big", "r1", 1024, 1))), 6).state();
    assertThat(full.queue()).hasSize(1);
    assertThat(full.heartbeat(9, 7).freeMemoryMb()).isZero();
    assertThat(full.heartbeat(9, 7).idleMemoryMb()).isZero();
  }
}
