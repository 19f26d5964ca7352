package io.kwhisk.perf.load;

import io.kwhisk.perf.client.HttpAnswer;
import io.kwhisk.perf.client.InvokeClient;
import io.kwhisk.perf.client.InvokeConnection;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Open loop: request i is due at {@code origin + i / rate} and is sent then, whether or not earlier
 * requests have completed. Its latency is measured from that intended time, not from when it
 * actually left: if the generator falls behind (a GC pause, the {@code maxInFlight} cap, a slow
 * connect), the delay is charged to the requests that should have been sent during it. This is how
 * coordinated omission is avoided: a stalled system cannot stop the generator from "asking", so a
 * stall shows in the percentiles as the many slow requests a real population of users would have
 * seen, not as one slow sample.
 *
 * <p>One scheduler thread hands each request, when due, to a pool of sender threads, each with its
 * own keep-alive {@link InvokeConnection}, that send it blocking and record it. The pool grows to
 * what is in flight (threads are made when all are busy, and retire after a minute idle) and never
 * beyond {@code maxInFlight}, whose permits the scheduler takes before handing off: blocking
 * senders are far cheaper per request than an asynchronous client, and R requests/s at latency L
 * need only about R x L of them.
 */
final class OpenLoop implements Driver {
  private final InvokeClient client;
  private final ThreadPoolExecutor senders;
  private final ThreadLocal<InvokeConnection> connection = new ThreadLocal<>();
  private final List<InvokeConnection> connections = new CopyOnWriteArrayList<>();
  private final Scenario scenario;
  private final ActionPicker picker;
  private final Measurement measurement;
  private final Function<HttpAnswer, Outcome> classify;
  private final long originNanos;
  private final Semaphore permits;
  private final Thread scheduler;
  private volatile boolean aborted;
  private volatile long behindNanos;

  OpenLoop(
      InvokeClient client,
      Scenario scenario,
      ActionPicker picker,
      Measurement measurement,
      long originNanos,
      Function<HttpAnswer, Outcome> classify) {
    this.client = client;
    this.classify = classify;
    // The permits bound what is handed over, so the synchronous hand-off never finds the pool full.
    this.senders =
        new ThreadPoolExecutor(
            0,
            scenario.maxInFlight(),
            60,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "perf-open-loop-sender");
              t.setDaemon(true);
              return t;
            });
    this.scenario = scenario;
    this.picker = picker;
    this.measurement = measurement;
    this.originNanos = originNanos;
    this.permits = new Semaphore(scenario.maxInFlight());
    this.scheduler = new Thread(this::schedule, "perf-open-loop");
    this.scheduler.setDaemon(true);
  }

  /**
   * When request {@code index} is due: exact per index, so rounding never accumulates into rate
   * drift.
   */
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
      senders.execute(
          () -> {
            Outcome outcome;
            try {
              HttpAnswer r = connection().invoke(action);
              outcome = classify.apply(r);
            } catch (IOException | InterruptedException | RuntimeException failed) {
              outcome = Outcome.FAILED;
            }
            try {
              measurement.record(intended, System.nanoTime(), outcome);
            } finally {
              permits.release();
            }
          });
    } catch (RuntimeException refused) {
      measurement.record(intended, System.nanoTime(), Outcome.FAILED);
      permits.release();
    }
  }

  /** This sender thread's connection, opened on its first request. */
  private InvokeConnection connection() throws IOException {
    InvokeConnection c = connection.get();
    if (c == null) {
      c = client.open();
      connection.set(c);
      connections.add(c);
    }
    return c;
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
    if (!permits.tryAcquire(
        all, Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS)) {
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
    senders.shutdownNow();
    // Closing a connection another sender may still use makes that request fail, which only happens
    // when the
    // drain grace ran out; normally every sender is idle by now.
    connections.forEach(InvokeConnection::close);
  }

  @Override
  public long inFlight() {
    return scenario.maxInFlight() - permits.availablePermits();
  }
}
