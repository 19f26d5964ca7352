package io.kwhisk.perf.lifecycle;

import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.load.ActionSetup;
import io.kwhisk.perf.load.ActivationAnswer;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs a {@link LifecyclePlan} against a live endpoint, after the IBM serverless workload
 * generator's container lifecycle: creates A fresh echo actions; A users, one per action, each
 * start their action's container with a first (cold) invoke and wait until all have; then each
 * sends its requests one after another, every answer checked by {@link Echo#check}; finally the
 * actions are deleted, which retires their containers. Prints a progress line per second and the
 * first few validation failures in full. Not thread-safe: one run at a time.
 */
public final class LifecycleRunner {
  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** Validation failures printed in full; the rest are counted. */
  private static final int FAILURES_SHOWN = 5;

  /**
   * A throttled user waits this long before its next request rather than turning 429s into a busy
   * loop.
   */
  private static final long BACKOFF_MILLIS = 100;

  private final WhiskClient client;
  private final ActionSetup setup;
  private final PrintStream progress;
  private final Clock clock;

  /**
   * @param setup creates and deletes the actions (it carries their memory limit)
   * @param clock stamps the result
   */
  public LifecycleRunner(WhiskClient client, ActionSetup setup, PrintStream progress, Clock clock) {
    this.client = Objects.requireNonNull(client, "client should not be null");
    this.setup = Objects.requireNonNull(setup, "setup should not be null");
    this.progress = Objects.requireNonNull(progress, "progress should not be null");
    this.clock = Objects.requireNonNull(clock, "clock should not be null");
  }

  public LifecycleResult run(LifecyclePlan plan) throws IOException, InterruptedException {
    String prefix = plan.actionPrefix();
    progress.printf(
        "creating %d fresh echo action(s) %s-0..%s-%d%n",
        plan.actions(), prefix, prefix, plan.actions() - 1);
    setup.create(prefix, plan.actions(), Echo.CODE);
    try {
      return drive(plan);
    } finally {
      long t0 = System.nanoTime();
      setup.delete(prefix, plan.actions());
      progress.printf(
          "deleted %d action(s) in %d ms (their containers are retired)%n",
          plan.actions(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }
  }

  private LifecycleResult drive(LifecyclePlan plan) throws InterruptedException {
    Run run = new Run(plan);
    List<Thread> users = new ArrayList<>();
    for (int i = 0; i < plan.actions(); i++) {
      int user = i;
      Thread t = new Thread(() -> user(run, user), "perf-lifecycle-" + i);
      t.setDaemon(true);
      users.add(t);
    }
    long origin = System.nanoTime();
    users.forEach(Thread::start);
    long tick = origin + TICK_NANOS;
    try {
      while (!run.finished.await(Math.max(0, tick - System.nanoTime()), TimeUnit.NANOSECONDS)) {
        progress.println(progressLine(plan, run));
        tick += TICK_NANOS;
      }
    } finally {
      users.forEach(Thread::interrupt);
    }
    long lastAnswer = run.lastAnswerNanos.get();
    double seconds =
        !run.requesting || lastAnswer == Long.MIN_VALUE
            ? 0
            : Math.max(0, lastAnswer - run.requestStartNanos) / 1e9;
    List<StartSample> starts = new ArrayList<>(Arrays.asList(run.starts));
    starts.replaceAll(
        s -> s != null ? s : new StartSample(Echo.Verdict.ERROR, false, 0, OptionalLong.empty()));
    if (run.invalidCount.get() > FAILURES_SHOWN) {
      progress.printf(
          "... and %d more validation failure(s)%n", run.invalidCount.get() - FAILURES_SHOWN);
    }
    return LifecycleResult.of(plan, starts, run.requests.snapshot(), seconds, clock.instant());
  }

  private void user(Run run, int user) {
    LifecyclePlan plan = run.plan;
    String action = plan.actionPrefix() + "-" + user;
    try {
      long sent = Echo.n(user, 0, plan.requests());
      long t0 = System.nanoTime();
      ActivationAnswer first = invoke(action, sent);
      StartSample start = StartSample.of(first, sent, System.nanoTime() - t0);
      if (start.verdict() == Echo.Verdict.INVALID) reportInvalid(run, action, sent, first);
      synchronized (run.starts) {
        run.starts[user] = start;
      }
      run.started.incrementAndGet();
      run.allStarted.await();
      for (int k = 1; k <= plan.requests(); k++) {
        sent = Echo.n(user, k, plan.requests());
        long s = System.nanoTime();
        ActivationAnswer a = invoke(action, sent);
        long end = System.nanoTime();
        Echo.Verdict verdict = Echo.check(a, sent);
        run.requests.record(verdict, a.outcome().coldStart(), end - s);
        run.lastAnswerNanos.accumulateAndGet(end, Math::max);
        if (verdict == Echo.Verdict.INVALID) reportInvalid(run, action, sent, a);
        if (verdict == Echo.Verdict.THROTTLED) Thread.sleep(BACKOFF_MILLIS);
      }
    } catch (InterruptedException | BrokenBarrierException aborted) {
      Thread.currentThread().interrupt();
    } finally {
      run.finished.countDown();
    }
  }

  private ActivationAnswer invoke(String action, long n) throws InterruptedException {
    try {
      HttpResponse<String> r = client.invokeBlocking(action, Echo.params(n));
      return ActivationAnswer.of(r.statusCode(), r.body());
    } catch (IOException | RuntimeException noAnswer) {
      return ActivationAnswer.NONE;
    }
  }

  private void reportInvalid(Run run, String action, long sent, ActivationAnswer answer) {
    if (run.invalidCount.incrementAndGet() <= FAILURES_SHOWN)
      progress.println(Echo.describe(action, sent, answer));
  }

  static String progressLine(LifecyclePlan plan, Run run) {
    if (!run.requesting) {
      return String.format(
          Locale.ROOT,
          "[%s] start     %d/%d containers up",
          plan.label(),
          run.started.get(),
          plan.actions());
    }
    LifecycleTally.Snapshot s = run.requests.snapshot();
    double seconds = Math.max(1e-9, (System.nanoTime() - run.requestStartNanos) / 1e9);
    return String.format(
        Locale.ROOT,
        "[%s] requests  %d/%d  tps %8.1f  p99 %8.2f ms  invalid %d  errors %d  " + "429 %d  202 %d",
        plan.label(),
        s.answered(),
        (long) plan.actions() * plan.requests(),
        s.valid() / seconds,
        s.percentileMillis(99),
        s.invalid(),
        s.errors(),
        s.throttled(),
        s.accepted());
  }

  /**
   * One run's shared state: written by the users, read by the reporting thread. The barrier's
   * action, run by the last user to start, writes {@code requestStartNanos} before the volatile
   * {@code requesting}.
   */
  static final class Run {
    final LifecyclePlan plan;
    final StartSample[] starts;
    final AtomicInteger started = new AtomicInteger();
    final AtomicLong lastAnswerNanos = new AtomicLong(Long.MIN_VALUE);
    volatile long requestStartNanos;
    volatile boolean requesting;
    final AtomicInteger invalidCount = new AtomicInteger();
    final LifecycleTally requests = new LifecycleTally();
    final CyclicBarrier allStarted;
    final CountDownLatch finished;

    Run(LifecyclePlan plan) {
      this.plan = plan;
      this.starts = new StartSample[plan.actions()];
      this.allStarted = new CyclicBarrier(plan.actions(), this::startRequests);
      this.finished = new CountDownLatch(plan.actions());
    }

    private void startRequests() {
      requestStartNanos = System.nanoTime();
      requesting = true;
    }
  }
}
