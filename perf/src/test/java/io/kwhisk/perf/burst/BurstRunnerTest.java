package io.kwhisk.perf.burst;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.perf.FakeWhisk;
import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.load.ActionSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Bursts against {@link FakeWhisk} on loopback. */
@Timeout(30)
class BurstRunnerTest {
  private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
  private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);

  private BurstRunner runner(FakeWhisk fake) {
    WhiskClient client =
        new WhiskClient(fake.apiHost(), FakeWhisk.AUTH, "_", Duration.ofSeconds(10));
    return new BurstRunner(
        client, new ActionSetup(client), progress, Clock.systemUTC(), Duration.ofSeconds(10));
  }

  private static BurstPlan plan(List<Integer> sizes, boolean keep) {
    return new BurstPlan("kwhisk", sizes, "perf-burst", "run001", 0, Duration.ZERO, keep);
  }

  @Test
  void everyInvokeOfABurstIsInFlightAtTheSameTimeAndEachIsACreation() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(16)) {
      CountDownLatch allArrived = new CountDownLatch(8);
      fake.respond(
          (action, n, first) -> {
            allArrived.countDown();
            // Sequential invokes would never get past this: the eighth arrives only once all are
            // outstanding.
            if (!allArrived.await(5, TimeUnit.SECONDS)) return new FakeWhisk.Answer(500, "{}");
            Thread.sleep(20);
            return FakeWhisk.success(action, n, first);
          });
      List<BurstResult> sunk = new ArrayList<>();

      List<BurstResult> results = runner(fake).run(plan(List.of(8), false), sunk::add);

      BurstResult r = results.get(0);
      assertThat(sunk).containsExactly(r);
      assertThat(r.ok()).isEqualTo(8);
      assertThat(r.errors()).isZero();
      assertThat(r.coldStarts()).isEqualTo(8);
      assertThat(r.creationsPerSecond()).isPositive().isFinite();
      assertThat(r.creationSeconds())
          .isGreaterThanOrEqualTo(0.02)
          .isLessThanOrEqualTo(r.wallSeconds() + 0.01);
      assertThat(r.p50()).isGreaterThanOrEqualTo(20.0);
      for (int i = 0; i < 8; i++) assertThat(fake.invokes("perf-burst-run001-0-" + i)).isEqualTo(1);
      assertThat(fake.actions()).as("the burst's actions are deleted afterwards").isEmpty();
    }
  }

  @Test
  void eachBurstInvokesItsOwnFreshActionsAndKeepLeavesThemInPlace() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      List<BurstResult> results = runner(fake).run(plan(List.of(2, 3), true), r -> {});

      assertThat(results).extracting(BurstResult::actions).containsExactly(2, 3);
      assertThat(results).allSatisfy(r -> assertThat(r.coldStarts()).isEqualTo(r.actions()));
      assertThat(fake.actions())
          .containsExactlyInAnyOrder(
              "perf-burst-run001-0-0",
              "perf-burst-run001-0-1",
              "perf-burst-run001-1-0",
              "perf-burst-run001-1-1",
              "perf-burst-run001-1-2");
      assertThat(fake.invokes()).isEqualTo(5);
    }
  }

  @Test
  void burstParallelInvokesOneFreshActionNTimesAtTheSameInstant() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(16)) {
      CountDownLatch allArrived = new CountDownLatch(6);
      fake.respond(
          (action, n, first) -> {
            allArrived.countDown();
            if (!allArrived.await(5, TimeUnit.SECONDS)) return new FakeWhisk.Answer(500, "{}");
            return FakeWhisk.success(action, n, first);
          });
      BurstPlan oneAction =
          new BurstPlan("kwhisk", List.of(6), "perf-burst", "run001", 0, Duration.ZERO, true, true);

      BurstResult r = runner(fake).run(oneAction, x -> {}).get(0);

      assertThat(r.oneAction()).isTrue();
      assertThat(r.actions()).isEqualTo(6);
      assertThat(r.ok()).isEqualTo(6);
      assertThat(fake.actions()).containsExactly("perf-burst-run001-0-0");
      assertThat(fake.invokes("perf-burst-run001-0-0")).isEqualTo(6);
    }
  }

  @Test
  void throttledAcceptedAndFailedInvokesAreCountedNotTimed() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      fake.respond(
          (action, n, first) -> {
            if (action.endsWith("-0"))
              return new FakeWhisk.Answer(429, "{\"error\":\"too many requests\"}");
            if (action.endsWith("-1")) return new FakeWhisk.Answer(202, "{\"activationId\":\"x\"}");
            if (action.endsWith("-2"))
              return new FakeWhisk.Answer(502, FakeWhisk.record(action, "developer error", true));
            return FakeWhisk.success(action, n, first);
          });

      BurstResult r = runner(fake).run(plan(List.of(4), false), x -> {}).get(0);

      assertThat(r.throttled()).isEqualTo(1);
      assertThat(r.accepted()).isEqualTo(1);
      assertThat(r.errors()).isEqualTo(1);
      assertThat(r.ok()).isEqualTo(1);
      assertThat(r.coldStarts()).as("the failed activation still started a container").isEqualTo(2);
    }
  }

  @Test
  void printsAProgressLinePerSecondWhileTheBurstIsOutstanding() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(4)) {
      fake.respond(
          (action, n, first) -> {
            Thread.sleep(1300);
            return FakeWhisk.success(action, n, first);
          });

      runner(fake).run(plan(List.of(2), false), x -> {});

      String lines = progressBytes.toString(StandardCharsets.UTF_8);
      assertThat(lines)
          .contains("burst 1/1: creating 2 fresh action(s)")
          .contains("[kwhisk burst N=2]")
          .contains("answered 0/2")
          .contains("deleting");
    }
  }
}
