package io.kwhisk.perf.trace;

import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.load.Outcome;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Replays an {@link ArrivalSchedule} against a live endpoint as an open loop: one action per trace
 * function ({@code <prefix>-<function's short name>}, {@link #ACTION_CODE}), each invocation sent
 * blocking when due whatever the earlier ones are doing, its latency measured from the due time (so
 * a stalled platform is charged for every invocation due during the stall), while a sampler lists
 * the platform's containers every {@code sampleEvery} for {@link MemoryTime}. The replay ends with
 * its last answer (or the client timeout plus a grace); memory-time covers the same window. Not
 * thread-safe: one replay at a time.
 */
public final class TraceRunner {
  /**
   * A trace function's body: holds {@code mb} MB (allocated and written once per container, as an
   * application's resident memory, not per invocation: that would measure memset), then returns
   * after {@code ms} milliseconds without using the CPU, as the trace's execution times are
   * wall-clock times of functions that mostly wait.
   */
  public static final String ACTION_CODE =
      String.join(
          "\n",
          "let held = null;",
          "function main(p) {",
          "  const bytes = (p.mb | 0) * 1048576;",
          "  if (bytes > 0 && (held === null || held.length !== bytes)) held = Buffer.alloc(bytes, 1);",
          "  return new Promise(done => setTimeout(() => done({ms: p.ms, mb: held === null ? 0 : held.length >> 20}), p.ms));",
          "}");

  private static final long TICK_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final int SETUP_PARALLELISM = 8;

  private final WhiskClient client;
  private final ContainerListing containers;
  private final PrintStream progress;
  private final Clock clock;
  private final Duration requestTimeout;
  private final Duration sampleEvery;

  public TraceRunner(
      WhiskClient client,
      ContainerListing containers,
      PrintStream progress,
      Clock clock,
      Duration requestTimeout,
      Duration sampleEvery) {
    this.client = Objects.requireNonNull(client, "client should not be null");
    this.containers = Objects.requireNonNull(containers, "containers should not be null");
    this.progress = Objects.requireNonNull(progress, "progress should not be null");
    this.clock = Objects.requireNonNull(clock, "clock should not be null");
    this.requestTimeout =
        Objects.requireNonNull(requestTimeout, "requestTimeout should not be null");
    this.sampleEvery = Objects.requireNonNull(sampleEvery, "sampleEvery should not be null");
  }

  /** The action of a replayed function. */
  public static String actionName(String prefix, TraceFunction f) {
    return prefix + "-" + f.shortName();
  }

  /**
   * Creates (or replaces) the schedule's actions with the memory limit and per-container
   * concurrency given.
   */
  public void create(ArrivalSchedule schedule, String prefix, int memoryMb, int concurrency)
      throws IOException, InterruptedException {
    forEachFunction(
        schedule,
        f -> client.putNodeAction(actionName(prefix, f), ACTION_CODE, concurrency, memoryMb));
  }

  /** Deletes the schedule's actions (which retires their containers). */
  public void delete(ArrivalSchedule schedule, String prefix)
      throws IOException, InterruptedException {
    forEachFunction(schedule, f -> client.deleteAction(actionName(prefix, f)));
  }

  /**
   * Replays the schedule; returns one sample per arrival, in no particular order, and fills {@code
   * memory}.
   */
  public List<TraceSample> replay(
      ArrivalSchedule schedule, String prefix, String label, MemoryTime memory)
      throws InterruptedException {
    List<Arrival> arrivals = schedule.arrivals();
    List<TraceSample> samples = new ArrayList<>(arrivals.size());
    LongAdder answered = new LongAdder();
    LongAdder cold = new LongAdder();
    LongAdder throttled = new LongAdder();
    LongAdder errors = new LongAdder();
    AtomicLong behind = new AtomicLong();
    long origin = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(200);
    Sampler sampler = new Sampler(memory, origin);
    sampler.start();
    Thread scheduler =
        new Thread(
            () -> {
              for (Arrival a : arrivals) {
                long due = origin + a.offsetNanos();
                long wait;
                while ((wait = due - System.nanoTime()) > 0) LockSupport.parkNanos(wait);
                behind.set(System.nanoTime() - due);
                String params =
                    "{\"ms\":"
                        + a.durationMs()
                        + ",\"mb\":"
                        + schedule.allocationMb().get(a.function())
                        + "}";
                client
                    .invokeBlockingAsync(
                        actionName(prefix, schedule.functions().get(a.function())), params)
                    .whenComplete(
                        (r, failure) -> {
                          Outcome o =
                              failure != null
                                  ? Outcome.FAILED
                                  : Outcome.of(r.statusCode(), r.body());
                          TraceSample s =
                              new TraceSample(
                                  a.function(), a.durationMs(), o, System.nanoTime() - due);
                          synchronized (samples) {
                            samples.add(s);
                          }
                          if (o.coldStart() && o.kind() == Outcome.Kind.OK) cold.increment();
                          if (o.kind() == Outcome.Kind.THROTTLED) throttled.increment();
                          if (o.kind() == Outcome.Kind.ERROR) errors.increment();
                          answered.increment();
                        });
              }
            },
            "perf-trace-scheduler");
    scheduler.setDaemon(true);
    scheduler.start();
    long end =
        origin
            + arrivals.get(arrivals.size() - 1).offsetNanos()
            + requestTimeout.plus(GRACE).toNanos();
    long length = arrivals.get(arrivals.size() - 1).offsetNanos();
    long tick = System.nanoTime() + TICK_NANOS;
    while (answered.sum() < arrivals.size() && System.nanoTime() - end < 0) {
      LockSupport.parkNanos(Math.max(1, tick - System.nanoTime()));
      if (System.nanoTime() - tick >= 0) {
        tick += TICK_NANOS;
        progress.println(
            String.format(
                Locale.ROOT,
                "[%s trace] %5.0f/%.0fs  answered %d/%d  cold %d  429 %d  errors %d  containers %d  behind %d ms",
                label,
                (System.nanoTime() - origin) / 1e9,
                length / 1e9,
                answered.sum(),
                arrivals.size(),
                cold.sum(),
                throttled.sum(),
                errors.sum(),
                sampler.alive(),
                behind.get() / 1_000_000));
      }
      if (Thread.interrupted()) throw new InterruptedException();
    }
    scheduler.join(TimeUnit.SECONDS.toMillis(5));
    sampler.finish();
    synchronized (samples) {
      if (samples.size() < arrivals.size()) {
        progress.printf(
            "[%s trace] %d invocation(s) unanswered %s after the last was due; not counted%n",
            label, arrivals.size() - samples.size(), requestTimeout.plus(GRACE));
      }
      return List.copyOf(samples);
    }
  }

  /** The clock the results are stamped with. */
  public Clock clock() {
    return clock;
  }

  /**
   * Lists the containers every {@code sampleEvery} on its own thread; a failed listing is skipped.
   */
  private final class Sampler {
    private final MemoryTime memory;
    private final long origin;
    private final Thread thread;
    private volatile boolean stopping;
    private volatile int alive;

    Sampler(MemoryTime memory, long origin) {
      this.memory = memory;
      this.origin = origin;
      this.thread = new Thread(this::loop, "perf-trace-containers");
      this.thread.setDaemon(true);
    }

    void start() {
      thread.start();
    }

    int alive() {
      return alive;
    }

    private void loop() {
      long next = origin;
      while (!stopping) {
        long wait = next - System.nanoTime();
        if (wait > 0) LockSupport.parkNanos(wait);
        if (stopping) return;
        sample();
        next += sampleEvery.toNanos();
      }
    }

    private void sample() {
      try {
        var listing = containers.list();
        synchronized (memory) {
          memory.observe(Math.max(0, System.nanoTime() - origin), listing);
          alive = memory.alive();
        }
      } catch (IOException e) {
        progress.println(
            "[trace] listing the containers failed (this interval is not counted): "
                + e.getMessage());
      }
    }

    /** Stops the loop and takes the closing listing, which ends the memory-time window. */
    void finish() throws InterruptedException {
      stopping = true;
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(70));
      sample();
    }
  }

  private interface FunctionCall {
    void apply(TraceFunction f) throws IOException, InterruptedException;
  }

  private static void forEachFunction(ArrivalSchedule schedule, FunctionCall call)
      throws IOException, InterruptedException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            SETUP_PARALLELISM,
            r -> {
              Thread t = new Thread(r, "perf-trace-setup");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (TraceFunction f : schedule.functions()) {
        done.add(
            pool.submit(
                () -> {
                  call.apply(f);
                  return null;
                }));
      }
      for (Future<Void> f : done) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof IOException io) throw io;
          throw new IOException(e.getCause());
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
