package io.kwhisk.perf.load;

import io.kwhisk.perf.client.HttpAnswer;
import io.kwhisk.perf.client.InvokeClient;
import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.cpu.CpuBreakdown;
import io.kwhisk.perf.cpu.CpuReading;
import io.kwhisk.perf.cpu.CpuSampler;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one {@link Scenario} against a live endpoint: starts the closed- or open-loop driver, prints
 * a progress line every second (phase, TPS so far, p99 so far, errors, 429s, 202s, cold starts),
 * waits for the requests of the measured window to finish (at most {@code drainGrace} after it
 * ends) and returns the measured window's result. The actions must exist already ({@link
 * ActionSetup}). With a {@link CpuSampler}, CPU counters are read when the measured window starts
 * and when it ends (not during the warm-up) and divided by the successful activations answered
 * between the two readings. Not thread-safe: one scenario at a time.
 */
public final class LoadGenerator {
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final InvokeClient client;
  private final PrintStream progress;
  private final Duration drainGrace;
  private final Clock clock;
  private final Optional<CpuSampler> cpu;
  private final Function<HttpAnswer, Outcome> classify;

  /**
   * With the hand-written keep-alive client ({@link InvokeClient.Kind#RAW}) and no CPU sampling.
   */
  public LoadGenerator(WhiskClient client, PrintStream progress, Duration drainGrace, Clock clock) {
    this(
        InvokeClient.of(InvokeClient.Kind.RAW, client),
        progress,
        drainGrace,
        clock,
        Optional.empty());
  }

  public LoadGenerator(
      InvokeClient client,
      PrintStream progress,
      Duration drainGrace,
      Clock clock,
      Optional<CpuSampler> cpu) {
    this(client, progress, drainGrace, clock, cpu, r -> Outcome.of(r.status(), r.body()));
  }

  /**
   * @param classify what an answer comes to: {@link Outcome#of(int, String)} for the platform's
   *     answers, {@link Outcome#ofRun} for an action container's own
   */
  public LoadGenerator(
      InvokeClient client,
      PrintStream progress,
      Duration drainGrace,
      Clock clock,
      Optional<CpuSampler> cpu,
      Function<HttpAnswer, Outcome> classify) {
    this.classify = Objects.requireNonNull(classify, "classify should not be null");
    this.cpu = Objects.requireNonNull(cpu, "cpu should not be null");
    this.client = Objects.requireNonNull(client, "client should not be null");
    this.progress = Objects.requireNonNull(progress, "progress should not be null");
    this.drainGrace = Objects.requireNonNull(drainGrace, "drainGrace should not be null");
    this.clock = Objects.requireNonNull(clock, "clock should not be null");
  }

  public ScenarioResult run(Scenario scenario) throws InterruptedException {
    long origin = System.nanoTime();
    long measureStart = origin + scenario.warmup().toNanos();
    long measureEnd = measureStart + scenario.duration().toNanos();
    Measurement measurement = new Measurement(measureStart, measureEnd);
    ActionPicker picker = new ActionPicker(scenario.pick(), scenario.actions());
    Driver driver =
        scenario.openLoop()
            ? new OpenLoop(client, scenario, picker, measurement, origin, classify)
            : new ClosedLoop(client, scenario, picker, measurement, classify);

    CpuWindow window = new CpuWindow(measurement);
    driver.start();
    try {
      long drainDeadline = measureEnd + drainGrace.toNanos();
      long tick = origin + TICK_NANOS;
      while (true) {
        boolean drained = driver.awaitDrained(window.nextWake(Math.min(tick, drainDeadline)));
        window.sampleIfDue(System.nanoTime());
        if (drained) break;
        long now = System.nanoTime();
        if (now - drainDeadline >= 0) {
          progress.printf(
              "[%s] %d requests still outstanding %s after the window; not waiting longer%n",
              scenario.label(), driver.inFlight(), drainGrace);
          break;
        }
        if (now - tick >= 0) {
          progress.println(
              progressLine(scenario, measurement, now, driver.inFlight(), driver.behindMillis()));
          tick += TICK_NANOS;
        }
      }
    } finally {
      driver.abort();
    }
    double windowSeconds = scenario.duration().toNanos() / 1e9;
    CpuBreakdown perActivation = window.perActivation();
    return ScenarioResult.of(
        scenario, measurement.measured().snapshot(), windowSeconds, clock.instant(), perActivation);
  }

  /** The two CPU readings of the measured window, taken by the thread that runs the scenario. */
  private final class CpuWindow {
    private final Measurement measurement;
    private CpuReading start;
    private long startOk;
    private CpuReading end;
    private long endOk;

    CpuWindow(Measurement measurement) {
      this.measurement = measurement;
    }

    /** {@code wake}, or earlier when a reading is due before it. */
    long nextWake(long wake) {
      if (cpu.isEmpty() || end != null) return wake;
      long due = start == null ? measurement.measureStartNanos() : measurement.measureEndNanos();
      return due - wake < 0 ? due : wake;
    }

    void sampleIfDue(long now) {
      if (cpu.isEmpty()) return;
      if (start == null && !measurement.warmingUp(now)) {
        startOk = measurement.completedOk();
        start = cpu.get().read();
      }
      if (start != null && end == null && !measurement.running(now)) {
        endOk = measurement.completedOk();
        end = cpu.get().read();
      }
    }

    CpuBreakdown perActivation() {
      if (cpu.isEmpty()) return CpuBreakdown.NONE;
      sampleIfDue(Math.max(System.nanoTime(), measurement.measureEndNanos()));
      return cpu.get().usage(start, end).perActivation(endOk - startOk);
    }
  }

  static String progressLine(
      Scenario scenario, Measurement m, long now, long inFlight, long behindMillis) {
    String phase;
    long phaseStart;
    long phaseLength;
    if (m.warmingUp(now)) {
      phase = "warm-up";
      phaseStart = m.measureStartNanos() - scenario.warmup().toNanos();
      phaseLength = scenario.warmup().toNanos();
    } else if (m.running(now)) {
      phase = "measure";
      phaseStart = m.measureStartNanos();
      phaseLength = scenario.duration().toNanos();
    } else {
      phase = "drain";
      phaseStart = m.measureStartNanos();
      phaseLength = scenario.duration().toNanos();
    }
    Tally.Snapshot s = m.tallyAt(Math.min(now, m.measureEndNanos() - 1)).snapshot();
    double elapsed = Math.max(1e-9, Math.min(now - phaseStart, phaseLength) / 1e9);
    return String.format(
        Locale.ROOT,
        "[%s] %-7s %3d/%ds  tps %8.1f  p99 %8.2f ms  errors %d  429 %d  202 %d  cold %d  in-flight %d%s",
        scenario.label(),
        phase,
        (long) elapsed,
        TimeUnit.NANOSECONDS.toSeconds(phaseLength),
        s.ok() / elapsed,
        s.percentileMillis(99),
        s.errors(),
        s.throttled(),
        s.accepted(),
        s.coldStarts(),
        inFlight,
        scenario.openLoop() ? "  behind " + behindMillis + " ms" : "");
  }
}
