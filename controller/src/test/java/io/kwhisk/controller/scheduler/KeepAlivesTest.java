package io.kwhisk.controller.scheduler;

import static io.kwhisk.controller.scheduler.SchedulingPolicyTest.action;
import static io.kwhisk.controller.scheduler.SchedulingPolicyTest.invoker;
import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.common.keepalive.Policies;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The keep-alive policy's per-action state on a clock the test moves by hand (plain longs). */
@Timeout(10)
class KeepAlivesTest {
  static final long MINUTE = 60_000;
  final Action hourly = action("hourly", 256, 1, 10);
  final KeepAlives keepAlives = new KeepAlives(Policies.parse("hybrid:4h:7m"));
  long now = 1_000_000;

  /** {@code n} activations of 100 ms, {@code gapMs} apart; the clock ends at the last one's end. */
  void calls(Action a, int n, long gapMs) {
    for (int i = 0; i < n; i++) {
      if (i > 0) now += gapMs - 100;
      keepAlives.arrived(a, false, now);
      now += 100;
      keepAlives.idle(a.fqn().path(), now);
    }
  }

  @Test
  void aCreationCarriesTheFixedWindowOrNoneWithoutAPolicy() {
    KeepAlives fixed = new KeepAlives(new KeepAlivePolicy.Fixed(Duration.ofMinutes(10)));
    fixed.arrived(hourly, false, now);
    assertThat(fixed.forCreation("guest/hourly", now)).isEqualTo(600_000);

    KeepAlives none = new KeepAlives(null);
    none.arrived(hourly, false, now);
    assertThat(none.forCreation("guest/hourly", now)).isZero();
    assertThat(none.due(now + 10 * 60 * MINUTE, p -> true)).isEmpty();
  }

  @Test
  void anActionWithoutAPatternKeepsTheFallbackAndAFrequentOneAtLeastTheLowerBound() {
    keepAlives.arrived(hourly, false, now);
    assertThat(keepAlives.forCreation("guest/hourly", now)).isEqualTo(4 * 60 * MINUTE);

    Action busy = action("busy", 256, 1, 10);
    calls(busy, 50, 5_000); // every 5 s: all in the first minute's bin
    assertThat(keepAlives.forCreation("guest/busy", now)).isEqualTo(7 * MINUTE);
  }

  @Test
  void whenThePolicyFindsAPatternTheContainersAreToldToGoAsSoonAsTheyAreIdle() {
    keepAlives.arrived(hourly, false, now);
    assertThat(keepAlives.forCreation("guest/hourly", now)).isEqualTo(4 * 60 * MINUTE);
    now += 100;
    keepAlives.idle("guest/hourly", now);
    now += 30 * MINUTE;
    calls(hourly, 11, 30 * MINUTE);

    assertThat(keepAlives.changed("guest/hourly", now)).hasValue(KeepAlives.RELEASE_MS);
    assertThat(keepAlives.changed("guest/hourly", now)).as("told once").isEmpty();
  }

  @Test
  void aPatternedActionIsPrewarmedOnceWhenItsPrewarmWindowHasPassed() {
    calls(hourly, 12, 30 * MINUTE);
    long idleSince = now;
    // Pre-warm at 27 minutes (the 30-minute bin less 10%), held ~4.4 minutes.
    now = idleSince + 26 * MINUTE;
    assertThat(keepAlives.due(now, p -> true)).isEmpty();
    now = idleSince + 27 * MINUTE;
    assertThat(keepAlives.due(now, p -> true)).containsExactly(hourly);
    assertThat(keepAlives.due(now, p -> false)).as("not this controller's").isEmpty();

    keepAlives.prewarmed("guest/hourly");
    assertThat(keepAlives.due(now + 1_000, p -> true)).as("once per idle period").isEmpty();
    assertThat(keepAlives.forPrewarm("guest/hourly", now)).isBetween(4 * MINUTE, 5 * MINUTE);
  }

  @Test
  void aPrewarmWhoseWindowPassedUnnoticedIsSkippedNotMadeLate() {
    calls(hourly, 12, 30 * MINUTE);
    now += 40 * MINUTE;
    assertThat(keepAlives.due(now, p -> true)).isEmpty();
  }

  @Test
  void anActionWithAnActivationOutstandingIsNeverPrewarmed() {
    calls(hourly, 12, 30 * MINUTE);
    now += 28 * MINUTE;
    keepAlives.arrived(hourly, false, now);
    assertThat(keepAlives.due(now, p -> true)).isEmpty();
  }

  @Test
  void actionsIdlePastTheHistogramsRangeAndDeletedOnesAreForgotten() {
    calls(action("deleted", 256, 1, 10), 2, MINUTE);
    calls(hourly, 2, MINUTE);
    keepAlives.forget("guest/deleted");
    assertThat(keepAlives.size()).isEqualTo(1);
    keepAlives.expire(now + 4 * 60 * MINUTE);
    assertThat(keepAlives.size()).isEqualTo(1);
    keepAlives.expire(now + 4 * 60 * MINUTE + 1);
    assertThat(keepAlives.size()).isZero();
    assertThat(keepAlives.forCreation("guest/hourly", now)).isZero();
  }

  @Test
  void aPrewarmGoesToTheMostFreeMemoryAndNeverToIdleMemory() {
    Action a = action("a", 256, 1, 10);
    Action b = action("b", 256, 1, 10);
    Action c = action("c", 256, 1, 10);
    InvokerState fullOfIdle =
        new InvokerState(0, new InvokerHeartbeat(0, 4096, 0, 0, Map.of(), 0, 0, 4096), 0);
    InvokerState roomForTwo = invoker(1, 512, Map.of());
    InvokerState roomForOne = invoker(2, 300, Map.of()); // more left than invoker 1 after a

    List<PlannedCreation> plan =
        KeepAlives.place(
            List.of(a, b, c), List.of(fullOfIdle, roomForTwo, roomForOne), List.of(), List.of(), 4);

    assertThat(plan)
        .containsExactly(
            new PlannedCreation(1, a, 0),
            new PlannedCreation(2, b, 0),
            new PlannedCreation(1, c, 0));
  }

  @Test
  void aPrewarmTakesWhatIsLeftAfterTheCreationsActivationsWaitForAndIsBoundedPerDecision() {
    Action a = action("a", 256, 1, 10);
    Action b = action("b", 256, 1, 10);
    Action hosted = action("hosted", 256, 1, 10);
    InvokerState one = invoker(1, 768, Map.of("guest/hosted", 1));
    List<PlannedCreation> planned = List.of(new PlannedCreation(1, action("x", 256, 1, 10), 0));
    CreationInFlight flying = new CreationInFlight("c1", 1, "guest/y", 256, 0, 0);

    assertThat(KeepAlives.place(List.of(hosted, a, b), List.of(one), List.of(flying), planned, 4))
        .containsExactly(new PlannedCreation(1, a, 0));
    assertThat(
            KeepAlives.place(
                List.of(a, b), List.of(invoker(1, 4096, Map.of())), List.of(), List.of(), 1))
        .hasSize(1);
  }
}
