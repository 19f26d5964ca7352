package io.kwhisk.perf.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.perf.FakeWhisk;
import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.load.ActionSetup;
import io.kwhisk.perf.load.LoadGenerator;
import io.kwhisk.perf.load.Scenario;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs tiny matrices against {@link FakeWhisk} on loopback. */
@Timeout(30)
class MatrixRunnerTest {
  private final PrintStream sink =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  private MatrixRunner runner(FakeWhisk fake) {
    WhiskClient client =
        new WhiskClient(fake.apiHost(), FakeWhisk.AUTH, "_", Duration.ofSeconds(10));
    return new MatrixRunner(
        new ActionSetup(client),
        new LoadGenerator(client, sink, Duration.ofSeconds(10), Clock.systemUTC()),
        sink,
        sink);
  }

  private static Scenario idle(int actions) {
    // one user for 1 ms against answers that take 50 ms: the load itself invokes perf-noop-0 only
    return Scenario.closedLoop("kwhisk", actions, 1, Duration.ZERO, Duration.ofMillis(1));
  }

  private static void slowAnswers(FakeWhisk fake) {
    fake.respond(
        (action, n, first) -> {
          Thread.sleep(50);
          return FakeWhisk.success(action, n, first);
        });
  }

  @Test
  void primingInvokesEveryActionOfASmallScenarioOnceBeforeItsLoad() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      slowAnswers(fake);
      runner(fake).run(List.of(idle(3)), Optional.empty(), true, false, Duration.ZERO, 5);

      for (int i = 1; i < 3; i++) assertThat(fake.invokes("perf-noop-" + i)).isEqualTo(1);
    }
  }

  @Test
  void scenariosWithMoreActionsThanThePrimingLimitAreNotPrimed() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      slowAnswers(fake);
      runner(fake).run(List.of(idle(6)), Optional.empty(), true, false, Duration.ZERO, 5);

      for (int i = 1; i < 6; i++) assertThat(fake.invokes("perf-noop-" + i)).isZero();
    }
  }

  @Test
  void aPrimingInvokeThatIsNotAnsweredWithAResultFailsTheRunNamingTheAction() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      fake.respond(
          (action, n, first) ->
              new FakeWhisk.Answer(502, "{\"error\":\"the action did not answer\"}"));

      assertThatThrownBy(
              () ->
                  runner(fake)
                      .run(List.of(idle(2)), Optional.empty(), true, false, Duration.ZERO, 5))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("priming perf-noop-")
          .hasMessageContaining("502");
    }
  }

  @Test
  void aThrottledPrimingInvokeIsRetriedUntilTheActionAnswers() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      java.util.concurrent.atomic.AtomicInteger calls =
          new java.util.concurrent.atomic.AtomicInteger();
      fake.respond(
          (action, n, first) ->
              calls.incrementAndGet() <= 2
                  ? new FakeWhisk.Answer(429, "{\"error\":\"too many requests\"}")
                  : FakeWhisk.success(action, n, first));

      runner(fake).run(List.of(idle(1)), Optional.empty(), true, false, Duration.ZERO, 5);

      assertThat(calls.get()).isGreaterThanOrEqualTo(3);
    }
  }
}
