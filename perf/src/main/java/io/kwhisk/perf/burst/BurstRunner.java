package io.kwhisk.perf.burst;

import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.load.ActionSetup;
import io.kwhisk.perf.load.ActivationAnswer;
import io.kwhisk.perf.load.Outcome;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs a {@link BurstPlan} against a live endpoint. For each burst: creates its fresh actions,
 * starts one client thread per action, each parked on one gate, opens the gate (the burst's start),
 * waits for every answer while printing a progress line per second, summarises the burst into a
 * {@link BurstResult}, hands it to the sink, and deletes the actions unless the plan keeps them.
 * Not thread-safe: one run at a time.
 */
public final class BurstRunner {
  /** Receives each burst's result as soon as it is known (the CLI appends it to the CSV). */
  public interface Sink {
    void accept(BurstResult result) throws IOException;
  }

  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * Beyond the client's own request timeout, how long to wait for a thread that has not answered.
   */
  private static final Duration GRACE = Duration.ofSeconds(10);

  private final WhiskClient client;
  private final ActionSetup setup;
  private final PrintStream progress;
  private final Clock clock;
  private final Duration requestTimeout;

  /**
   * @param setup creates the actions (it carries their memory limit)
   * @param clock the epoch clock the burst's start is read from, to compare with the activation
   *     records' starts
   * @param requestTimeout the client's per-request timeout: a burst waits this (plus a grace) for
   *     its answers
   */
  public BurstRunner(
      WhiskClient client,
      ActionSetup setup,
      PrintStream progress,
      Clock clock,
      Duration requestTimeout) {
    this.client = Objects.requireNonNull(client, "client should not be null");
    this.setup = Objects.requireNonNull(setup, "setup should not be null");
    this.progress = Objects.requireNonNull(progress, "progress should not be null");
    this.clock = Objects.requireNonNull(clock, "clock should not be null");
    this.requestTimeout =
        Objects.requireNonNull(requestTimeout, "requestTimeout should not be null");
  }

  public List<BurstResult> run(BurstPlan plan, Sink sink) throws IOException, InterruptedException {
    List<BurstResult> results = new ArrayList<>();
    for (int b = 0; b < plan.sizes().size(); b++) {
      if (b > 0 && !plan.pause().isZero()) Thread.sleep(plan.pause().toMillis());
      int n = plan.sizes().get(b);
      String prefix = plan.actionPrefix(b);
      int actions = plan.actionCount(b);
      progress.printf(
          "burst %d/%d: creating %d fresh action(s) %s-0..%s-%d for %d invocation(s)%n",
          b + 1, plan.sizes().size(), actions, prefix, prefix, actions - 1, n);
      setup.create(prefix, actions);
      try {
        BurstResult r = fire(plan.design(), plan.memoryMb(), prefix, n, plan.oneAction());
        results.add(r);
        sink.accept(r);
      } finally {
        if (!plan.keep()) {
          progress.printf(
              "burst %d/%d: deleting its %d action(s)%n", b + 1, plan.sizes().size(), actions);
          setup.delete(prefix, actions);
        }
      }
    }
    return results;
  }

  /** Invokes {@code prefix-0 .. prefix-(n-1)} once each, all released at the same instant. */
  BurstResult fire(String design, int memoryMb, String prefix, int n) throws InterruptedException {
    return fire(design, memoryMb, prefix, n, false);
  }

  /**
   * Sends n invokes released at the same instant: one each of {@code prefix-0 .. prefix-(n-1)}, or,
   * with {@code oneAction}, n of {@code prefix-0}.
   */
  BurstResult fire(String design, int memoryMb, String prefix, int n, boolean oneAction)
      throws InterruptedException {
    Live live = new Live(n);
    List<Thread> threads = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int index = i;
      String action = prefix + "-" + (oneAction ? 0 : index);
      Thread t = new Thread(() -> invoke(action, index, live), "perf-burst-" + i);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    String label = design + (oneAction ? " burst-parallel N=" : " burst N=") + n;
    live.startMillis = clock.millis();
    live.startNanos = System.nanoTime();
    live.gate.countDown();

    long deadline = live.startNanos + requestTimeout.plus(GRACE).toNanos();
    long tick = live.startNanos + TICK_NANOS;
    while (!live.done.await(
        Math.max(0, Math.min(tick, deadline) - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      long now = System.nanoTime();
      if (now - deadline >= 0) {
        progress.printf(
            "[%s] %d invoke(s) still unanswered %s after the burst; counting them as errors%n",
            label, live.done.getCount(), requestTimeout.plus(GRACE));
        threads.forEach(Thread::interrupt);
        break;
      }
      if (now - tick >= 0) {
        progress.println(progressLine(label, now - live.startNanos, live));
        tick += TICK_NANOS;
      }
    }
    long wall = System.nanoTime() - live.startNanos;
    List<BurstSample> samples = new ArrayList<>(n);
    long lastAnswer = 0;
    synchronized (live.samples) {
      for (BurstSample s : live.samples) {
        BurstSample counted =
            s != null ? s : new BurstSample(Outcome.FAILED, wall, OptionalLong.empty());
        samples.add(counted);
        if (s != null) lastAnswer = Math.max(lastAnswer, s.latencyNanos());
      }
    }
    long wallNanos = live.done.getCount() == 0 ? lastAnswer : wall;
    return BurstResult.of(
        design, n, memoryMb, live.startMillis, wallNanos, samples, clock.instant(), oneAction);
  }

  private void invoke(String action, int index, Live live) {
    try {
      live.gate.await();
    } catch (InterruptedException e) {
      return;
    }
    ActivationAnswer answer;
    try {
      HttpResponse<String> r = client.invokeBlocking(action);
      answer = ActivationAnswer.of(r.statusCode(), r.body());
    } catch (IOException e) {
      answer = ActivationAnswer.NONE;
    } catch (InterruptedException e) {
      return;
    }
    BurstSample sample = BurstSample.of(answer, System.nanoTime() - live.startNanos);
    live.count(sample.outcome());
    synchronized (live.samples) {
      live.samples[index] = sample;
    }
    live.done.countDown();
  }

  static String progressLine(String label, long elapsedNanos, Live live) {
    return String.format(
        Locale.ROOT,
        "[%s] %4.1fs  answered %d/%d  cold %d  errors %d  429 %d  202 %d",
        label,
        elapsedNanos / 1e9,
        live.samples.length - live.done.getCount(),
        live.samples.length,
        live.cold.sum(),
        live.errors.sum(),
        live.throttled.sum(),
        live.accepted.sum());
  }

  /**
   * A burst in progress, shared by its client threads and the waiting thread. The gate publishes
   * {@code startNanos} and {@code startMillis} to the client threads (written before it opens).
   */
  static final class Live {
    final CountDownLatch gate = new CountDownLatch(1);
    final CountDownLatch done;
    final BurstSample[] samples;
    final LongAdder cold = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder throttled = new LongAdder();
    final LongAdder accepted = new LongAdder();
    long startNanos;
    long startMillis;

    Live(int n) {
      done = new CountDownLatch(n);
      samples = new BurstSample[n];
    }

    void count(Outcome o) {
      if (o.coldStart()) cold.increment();
      switch (o.kind()) {
        case THROTTLED:
          throttled.increment();
          break;
        case ACCEPTED:
          accepted.increment();
          break;
        case ERROR:
          errors.increment();
          break;
        default:
      }
    }
  }
}
