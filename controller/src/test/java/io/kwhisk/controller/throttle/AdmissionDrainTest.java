package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kwhisk.common.entity.Action;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The action's drain rate as {@link Admission} infers it from its own completions, in simulated
 * time: an open-loop client, an invoker that completes at a fixed rate, and a fake Kafka whose lag
 * may under-report the queue.
 */
@Timeout(10)
class AdmissionDrainTest {
  static final String PATH = "guest/slow";
  static final Action SLOW = AdmissionTest.action("slow");

  /**
   * The measured scenario's settings: min-backlog 16, 4 per slot, max-queue-delay 2 s, refresh 1 s.
   */
  static AdmissionSettings settings(int namespaceConcurrency) {
    return new AdmissionSettings(
        namespaceConcurrency,
        4,
        16,
        Duration.ofSeconds(2),
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60));
  }

  /** What one simulated run saw; backlog and in-flight maxima are over its second half. */
  record Run(
      Admission admission,
      List<Rejection> lateRejections,
      long maxQueue,
      int maxInFlight,
      double offsetDrainRate) {}

  /**
   * One action with 2 containers x concurrency 1 that completes 17 activations per second, offered
   * 40 per second for {@code seconds}, in ticks of 100 ms, refreshed every second with {@code
   * reportedLag} of the true queue (queued plus running). {@code offsetDrainRate} is what the
   * growth of {@code endOffset - lag} reads over the second half: the former, offset-based
   * estimate.
   */
  static Run simulate(int namespaceConcurrency, LongUnaryOperator reportedLag, int seconds)
      throws Exception {
    ManualClock clock = new ManualClock();
    AdmissionSettings settings = settings(namespaceConcurrency);
    Admission admission =
        new Admission(settings, clock, a -> 2, ns -> settings.namespaceConcurrency());
    Map<String, QueueOffsets> kafka = new HashMap<>();
    LagSource source = actions -> Map.copyOf(kafka);
    ArrayDeque<String> queue = new ArrayDeque<>();
    List<Rejection> late = new ArrayList<>();
    long end = 0;
    long maxQueue = 0;
    int maxInFlight = 0;
    long drainedAtHalf = 0;
    long drainedAtEnd = 0;
    double due = 0;
    int ids = 0;
    for (int tick = 1; tick <= seconds * 10; tick++) {
      boolean secondHalf = tick > seconds * 5;
      clock.advance(100);
      for (int i = 0; i < 4; i++) {
        String id = "a" + ids++;
        Optional<Rejection> r = admission.admit(id, SLOW);
        if (r.isEmpty()) {
          queue.add(id);
          end++;
        } else if (secondHalf) {
          late.add(r.get());
        }
      }
      due += 1.7;
      while (due >= 1 && !queue.isEmpty()) {
        admission.completed(queue.poll());
        due -= 1;
      }
      if (queue.isEmpty()) due = 0;
      if (tick % 10 == 0) {
        long lag = reportedLag.applyAsLong(queue.size());
        kafka.put(PATH, new QueueOffsets(end, lag));
        admission.refresh(source);
        if (tick == seconds * 5) drainedAtHalf = end - lag;
        if (tick == seconds * 10) drainedAtEnd = end - lag;
      }
      if (secondHalf) {
        maxQueue = Math.max(maxQueue, queue.size());
        maxInFlight = Math.max(maxInFlight, admission.inFlight("guest"));
      }
    }
    return new Run(
        admission, late, maxQueue, maxInFlight, (drainedAtEnd - drainedAtHalf) / (seconds / 2.0));
  }

  @Test
  void theMeasuredOverloadIsBoundByTheActionBacklogOfTwoSecondsOfItsDrain() throws Exception {
    // 40/s offered to an action that drains 17/s; the lag misses the 2 records the containers have
    // acquired.
    Run run = simulate(100, queued -> Math.max(0, queued - 2), 30);
    Admission a = run.admission();
    assertThat(a.drainRate(PATH)).as("the completions' rate").isCloseTo(17, within(1.0));
    assertThat(a.allowedBacklog(PATH))
        .as("max(16, 2 x 1 x 4, 17/s x 2 s)")
        .hasValueSatisfying(allowed -> assertThat(allowed).isBetween(32L, 36L));
    assertThat(run.lateRejections())
        .isNotEmpty()
        .allSatisfy(
            r -> {
              assertThat(r.limit()).isEqualTo(Rejection.Limit.ACTION_BACKLOG);
              assertThat(r.allowed()).isBetween(32L, 36L);
            });
    assertThat(run.maxInFlight()).as("the namespace limit (100) never binds").isLessThan(50);
    assertThat(run.maxQueue() / 17.0).as("the wait of the last admitted, seconds").isLessThan(2.5);
  }

  @Test
  void aLagThatUnderReportsTheQueueDoesNotInflateTheDrainRate() throws Exception {
    // The lag stays at 2 whatever is queued: endOffset - lag then grows as fast as admission lets
    // records in.
    Run run = simulate(1_000, queued -> Math.min(queued, 2), 30);
    assertThat(run.offsetDrainRate())
        .as("the offset-based estimate overshoots here")
        .isGreaterThan(30);
    assertThat(run.admission().drainRate(PATH)).isCloseTo(17, within(1.0));
    assertThat(run.admission().allowedBacklog(PATH))
        .hasValueSatisfying(allowed -> assertThat(allowed).isBetween(32L, 36L));
  }

  @Test
  void twoControllersEachSeeingHalfTheTrafficEstimateTheWholeActionsDrain() throws Exception {
    ManualClock clock = new ManualClock();
    AdmissionSettings settings = settings(1_000);
    Admission[] controllers = {
      new Admission(settings, clock, a -> 2, ns -> 1_000),
      new Admission(settings, clock, a -> 2, ns -> 1_000)
    };
    Map<String, QueueOffsets> kafka = new HashMap<>();
    LagSource source = actions -> Map.copyOf(kafka);
    // One shared topic, 20 completions per second in produce order: each controller sees its own
    // 10.
    ArrayDeque<String[]> topic = new ArrayDeque<>();
    long end = 0;
    int ids = 0;
    for (int s = 1; s <= 20; s++) {
      clock.advance(1_000);
      for (int i = 0; i < 10; i++) {
        for (int c = 0; c < 2; c++) {
          String id = "c" + c + "-" + ids++;
          assertThat(controllers[c].admit(id, SLOW)).isEmpty();
          topic.add(new String[] {Integer.toString(c), id});
          end++;
        }
      }
      for (int i = 0; i < 20 && topic.size() > 5; i++) {
        String[] done = topic.poll();
        controllers[Integer.parseInt(done[0])].completed(done[1]);
      }
      kafka.put(PATH, new QueueOffsets(end, topic.size()));
      for (Admission c : controllers) c.refresh(source);
    }
    for (Admission c : controllers) {
      assertThat(c.drainRate(PATH))
          .as("10 own completions per second at a share of 1/2")
          .isCloseTo(20, within(0.5));
      assertThat(c.allowedBacklog(PATH)).contains(40L);
    }
  }
}
