package io.kwhisk.perf.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kwhisk.perf.FakeWhisk;
import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.load.ActionSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lifecycle runs against {@link FakeWhisk}, whose default answer echoes the parameters. */
@Timeout(30)
class LifecycleRunnerTest {
  private final ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
  private final PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);

  private LifecycleRunner runner(FakeWhisk fake) {
    WhiskClient client =
        new WhiskClient(fake.apiHost(), FakeWhisk.AUTH, "_", Duration.ofSeconds(10));
    return new LifecycleRunner(client, new ActionSetup(client), progress, Clock.systemUTC());
  }

  private static LifecyclePlan plan(int actions, int requests) {
    return new LifecyclePlan("kwhisk", actions, requests, "perf-life", "run001", 0);
  }

  @Test
  void everyActionIsStartedOnceThenGetsItsRequestsEachValidatedAndIsDeleted() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      LifecycleResult r = runner(fake).run(plan(3, 20));

      assertThat(r.valid()).isEqualTo(3 * 21);
      assertThat(r.validationFailures() + r.errors() + r.throttled() + r.accepted()).isZero();
      assertThat(r.coldStarts()).isEqualTo(3);
      assertThat(r.requestColdStarts()).isZero();
      assertThat(r.tps()).isPositive();
      assertThat(r.startMax()).isPositive();
      assertThat(r.initP50()).as("the fake's initTime annotation").isCloseTo(42.0, within(0.1));
      for (int i = 0; i < 3; i++) assertThat(fake.invokes("perf-life-run001-" + i)).isEqualTo(21);
      assertThat(fake.definition("perf-life-run001-0")).contains(Echo.CODE);
      assertThat(fake.actions()).as("deleted at the end").isEmpty();
    }
  }

  @Test
  void requestsBeginOnlyOnceEveryContainerIsUp() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      AtomicLong lastStartAnswered = new AtomicLong(Long.MIN_VALUE);
      AtomicLong firstRequestArrived = new AtomicLong(Long.MAX_VALUE);
      fake.respondWithParams(
          (action, n, first, params) -> {
            if (!first) {
              firstRequestArrived.accumulateAndGet(System.nanoTime(), Math::min);
              return FakeWhisk.echo(action, n, false, params);
            }
            Thread.sleep(action.endsWith("-0") ? 400 : 10);
            lastStartAnswered.accumulateAndGet(System.nanoTime(), Math::max);
            return FakeWhisk.echo(action, n, true, params);
          });

      LifecycleResult r = runner(fake).run(plan(3, 5));

      assertThat(firstRequestArrived.get()).isGreaterThan(lastStartAnswered.get());
      assertThat(r.startMax()).isGreaterThanOrEqualTo(400.0);
      assertThat(r.valid()).isEqualTo(18);
    }
  }

  @Test
  void aWrongResultIsAValidationFailureNeverASuccess() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      fake.respondWithParams(
          (action, n, first, params) ->
              n % 5 == 0
                  ? new FakeWhisk.Answer(
                      200, FakeWhisk.record(action, "success", first, "{\"n\":-1}"))
                  : FakeWhisk.echo(action, n, first, params));

      LifecycleResult r = runner(fake).run(plan(2, 10));

      assertThat(fake.invokes()).isEqualTo(22);
      assertThat(r.validationFailures()).isEqualTo(4);
      assertThat(r.valid()).isEqualTo(18);
      assertThat(progressBytes.toString(StandardCharsets.UTF_8))
          .contains("validation failure: perf-life-run001-")
          .contains("\"n\":-1");
    }
  }

  @Test
  void printsWhereTheRunIsOncePerSecond() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(4)) {
      fake.respondWithParams(
          (action, n, first, params) -> {
            Thread.sleep(first ? 1200 : 250);
            return FakeWhisk.echo(action, n, first, params);
          });

      runner(fake).run(plan(1, 6));

      assertThat(progressBytes.toString(StandardCharsets.UTF_8))
          .contains("creating 1 fresh echo action(s)")
          .contains("[kwhisk lifecycle actions=1] start     0/1 containers up")
          .contains("[kwhisk lifecycle actions=1] requests")
          .contains("invalid 0")
          .contains("deleted 1 action(s)");
    }
  }
}
