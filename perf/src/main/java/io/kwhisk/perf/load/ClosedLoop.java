package io.kwhisk.perf.load;

import io.kwhisk.perf.client.HttpAnswer;
import io.kwhisk.perf.client.InvokeClient;
import io.kwhisk.perf.client.InvokeConnection;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Closed loop: {@code users} threads, each sending a blocking invoke, waiting for its answer and
 * sending the next. Throughput is then bounded by users / latency, which is the point: it finds the
 * latency at a given concurrency. A throttled user waits the answer's {@code Retry-After} (at most
 * {@link #MAX_BACKOFF_MILLIS}, default {@link #DEFAULT_BACKOFF_MILLIS}) before its next request, as
 * a well-behaved client would, instead of turning 429s into a busy loop. Each user holds its own
 * {@link InvokeConnection} (a keep-alive connection), closed when it stops.
 */
final class ClosedLoop implements Driver {
  static final long DEFAULT_BACKOFF_MILLIS = 100;
  static final long MAX_BACKOFF_MILLIS = 1000;
  private static final Backoff BACKOFF = new Backoff(DEFAULT_BACKOFF_MILLIS, 0, MAX_BACKOFF_MILLIS);

  private final InvokeClient client;
  private final Scenario scenario;
  private final ActionPicker picker;
  private final Measurement measurement;
  private final Function<HttpAnswer, Outcome> classify;
  private final List<Thread> users = new ArrayList<>();
  private final AtomicLong inFlight = new AtomicLong();
  private volatile boolean aborted;

  ClosedLoop(
      InvokeClient client,
      Scenario scenario,
      ActionPicker picker,
      Measurement measurement,
      Function<HttpAnswer, Outcome> classify) {
    this.client = client;
    this.classify = classify;
    this.scenario = scenario;
    this.picker = picker;
    this.measurement = measurement;
  }

  @Override
  public void start() {
    for (int i = 0; i < scenario.users(); i++) {
      Thread user = new Thread(this::runUser, "perf-user-" + i);
      user.setDaemon(true);
      users.add(user);
      user.start();
    }
  }

  private void runUser() {
    try (InvokeConnection connection = client.open()) {
      runUser(connection);
    } catch (IOException cannotOpen) {
      measurement.record(System.nanoTime(), System.nanoTime(), Outcome.FAILED);
    }
  }

  private void runUser(InvokeConnection connection) {
    try {
      while (!aborted) {
        long start = System.nanoTime();
        if (!measurement.running(start)) return;
        String action = scenario.actionName(picker.next());
        Outcome outcome;
        long backoff = 0;
        inFlight.incrementAndGet();
        try {
          HttpAnswer r = connection.invoke(action);
          outcome = classify.apply(r);
          if (outcome.kind() == Outcome.Kind.THROTTLED)
            backoff = BACKOFF.forRetryAfter(r.retryAfter());
        } catch (IOException e) {
          outcome = Outcome.FAILED;
        } finally {
          inFlight.decrementAndGet();
        }
        measurement.record(start, System.nanoTime(), outcome);
        if (backoff > 0) Thread.sleep(backoff);
      }
    } catch (InterruptedException aborting) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public boolean awaitDrained(long deadlineNanos) throws InterruptedException {
    for (Thread user : users) {
      long left = deadlineNanos - System.nanoTime();
      if (left > 0) TimeUnit.NANOSECONDS.timedJoin(user, left);
      if (user.isAlive()) return false;
    }
    return true;
  }

  @Override
  public void abort() {
    aborted = true;
    users.forEach(Thread::interrupt);
  }

  @Override
  public long inFlight() {
    return inFlight.get();
  }
}
