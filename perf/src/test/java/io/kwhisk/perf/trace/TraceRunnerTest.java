package io.kwhisk.perf.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.perf.FakeWhisk;
import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.load.Outcome;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A short replay against {@link FakeWhisk} on loopback, with a fake container listing. */
@Timeout(60)
class TraceRunnerTest {
  private final PrintStream progress =
      new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

  @Test
  void everyArrivalIsSentWithItsDurationAndMemoryAndAnsweredOnceAsTheScheduleSays()
      throws Exception {
    // 63 invocations of the sample trace in 3 minutes, at speed 90: 2 s of replay.
    ReplayPlan plan = new ReplayPlan(3, 90, 1.0, Duration.ofSeconds(30), 256, 1.0 / 16, 0, 7);
    ArrivalSchedule schedule = ArrivalSchedule.of(AzureTraceTest.sample(), plan);
    ConcurrentLinkedQueue<String> params = new ConcurrentLinkedQueue<>();
    try (FakeWhisk fake = new FakeWhisk(16)) {
      fake.respondWithParams(
          (action, n, first, p) -> {
            params.add(action + " " + p);
            if (action.endsWith("fnaaaaaaaaaa"))
              return new FakeWhisk.Answer(429, "{\"error\":\"too many\"}");
            return FakeWhisk.success(action, n, first);
          });
      WhiskClient client =
          new WhiskClient(fake.apiHost(), FakeWhisk.AUTH, "_", Duration.ofSeconds(10));
      String fnb = TraceRunner.actionName("perf-trace", schedule.functions().get(0));
      ContainerListing one = () -> Map.of("c1", new MemoryTime.Container("fnbbbbbbbbbb", 1024));
      TraceRunner runner =
          new TraceRunner(
              client,
              one,
              progress,
              Clock.systemUTC(),
              Duration.ofSeconds(10),
              Duration.ofMillis(100));
      runner.create(schedule, "perf-trace", 256, 1);
      assertThat(fake.actions()).containsExactlyInAnyOrder(fnb, "perf-trace-fnaaaaaaaaaa");
      assertThat(fake.definition(fnb)).contains("Buffer.alloc").contains("\"memory\":256");
      MemoryTime memory = new MemoryTime();

      long began = System.nanoTime();
      List<TraceSample> samples = runner.replay(schedule, "perf-trace", "kwhisk", memory);
      double seconds = (System.nanoTime() - began) / 1e9;

      assertThat(samples).hasSize(schedule.arrivals().size());
      assertThat(
              samples.stream()
                  .filter(s -> s.function() == 0 && s.outcome().kind() == Outcome.Kind.OK))
          .hasSize(60);
      assertThat(samples.stream().filter(s -> s.outcome().kind() == Outcome.Kind.THROTTLED))
          .hasSize(3);
      assertThat(params).hasSize(63);
      assertThat(params)
          .filteredOn(p -> p.startsWith("perf-trace-fnaaaaaaaaaa "))
          .allSatisfy(p -> assertThat(p).contains("\"mb\":20"));
      assertThat(params).allSatisfy(p -> assertThat(p).matches(".* \\{\"ms\":\\d+,\"mb\":\\d+\\}"));
      // The container listed all along is charged for (about) the replay's length, at 1 GB.
      assertThat(memory.gbSeconds("fnbbbbbbbbbb")).isPositive().isLessThanOrEqualTo(seconds + 0.01);
      runner.delete(schedule, "perf-trace");
      assertThat(fake.actions()).isEmpty();
    }
  }
}
