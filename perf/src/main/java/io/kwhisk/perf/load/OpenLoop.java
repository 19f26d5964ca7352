package io.kwhisk.perf.load;

import io.kwhisk.perf.client.WhiskClient;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Open loop: request i is due at {@code origin + i / rate} and is sent then, whether or not earlier requests have
 * completed. Its latency is measured from that intended time, not from when it actually left: if the generator
 * falls behind (a GC pause, the {@code maxInFlight} cap, a slow connect), the delay is charged to the requests
 * that should have been sent during it. This is how coordinated omission is avoided: a stalled system cannot
 * stop the generator from "asking", so a stall shows in the percentiles as the many slow requests a real
 * population of users would have seen, not as one slow sample.
 *
 * <p>One scheduler thread sends asynchronously; completions are recorded on the HTTP client's threads.
 */
final class OpenLoop implements Driver {
  private final WhiskClient client;
  private final Scenario scenario;
  private final ActionPicker picker;
  private final Measurement measurement;
  private final long originNanos;
  private final Semaphore permits;
  private final Thread scheduler;
  private volatile boolean aborted;
  private volatile long behindNanos;

  OpenLoop(WhiskClient client, Scenario scenario, ActionPicker picker, Measurement measurement, long originNanos) {
    this.client = client;
    this.scenario = scenario;
    this.picker = picker;
    this.measurement = measurement;
    this.originNanos = originNanos;
    this.permits = new Semaphore(scenario.maxInFlight());
    this.scheduler = new Thread(this::schedule, "perf-open-loop");
    this.scheduler.setDaemon(true);
  }

  /** When request {@code index} is due: exact per index, so rounding never accumulates into rate drift. */
  static long intendedStart(long originNanos, long index, double ratePerSecond) {
    return originNanos + (long) (index * (1e9 / ratePerSecond));
  }

  @Override
  public void start() {
    scheduler.start();
  }

  private void schedule() {
    try {
      for (long i = 0; !aborted; i++) {
        long intended = intendedStart(originNanos, i, scenario.rate());
        if (!measurement.running(intended)) return;
        parkUntil(intended);
        permits.acquire();
        behindNanos = System.nanoTime() - intended;
        send(intended);
      }
    } catch (InterruptedException aborting) {
      Thread.currentThread().interrupt();
    }
  }

  private void send(long intended) {
    String action = scenario.actionName(picker.next());
    try {
      client.invokeBlockingAsync(action).whenComplete((r, failure) -> {
        long end = System.nanoTime();
        try {
          measurement.record(intended, end, failure == null ? Outcome.of(r.statusCode(), r.body()) : Outcome.FAILED);
        } finally {
          permits.release();
        }
      });
    } catch (RuntimeException refused) {
      measurement.record(intended, System.nanoTime(), Outcome.FAILED);
      permits.release();
    }
  }

  private static void parkUntil(long nanos) throws InterruptedException {
    for (long left = nanos - System.nanoTime(); left > 0; left = nanos - System.nanoTime()) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) throw new InterruptedException();
    }
  }

  @Override
  public boolean awaitDrained(long deadlineNanos) throws InterruptedException {
    TimeUnit.NANOSECONDS.timedJoin(scheduler, Math.max(1, deadlineNanos - System.nanoTime()));
    if (scheduler.isAlive()) return false;
    int all = scenario.maxInFlight();
    if (!permits.tryAcquire(all, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
      return false;
    }
    permits.release(all);
    return true;
  }

  @Override
  public long behindMillis() {
    return TimeUnit.NANOSECONDS.toMillis(behindNanos);
  }

  @Override
  public void abort() {
    aborted = true;
    scheduler.interrupt();
  }

  @Override
  public long inFlight() {
    return scenario.maxInFlight() - permits.availablePermits();
  }
}
