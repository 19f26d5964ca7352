package io.kwhisk.perf.load;

import io.kwhisk.perf.client.WhiskClient;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Creates (with overwrite) and deletes a scenario's K Node.js actions (the noop unless told
 * otherwise), a few requests at a time so that setting up 1,000 actions takes seconds, not minutes.
 */
public final class ActionSetup {
  /** The noop every scenario invokes: it measures the platform, not the action. */
  public static final String NOOP = "function main() { return {}; }";

  private static final int PARALLELISM = 8;

  private final WhiskClient client;
  private final int concurrency;
  private final int memoryMb;

  /** Actions with concurrency 1 and the platform's default memory limit. */
  public ActionSetup(WhiskClient client) {
    this(client, 1, 0);
  }

  /**
   * @param concurrency activations one container runs at once (the action's {@code
   *     limits.concurrency})
   * @param memoryMb the action's memory limit, which decides how many containers fit an invoker; 0
   *     for the platform's default
   */
  public ActionSetup(WhiskClient client, int concurrency, int memoryMb) {
    if (concurrency < 1)
      throw new IllegalArgumentException("concurrency should be >= 1, was " + concurrency);
    if (memoryMb < 0) throw new IllegalArgumentException("memory should be >= 0, was " + memoryMb);
    this.client = client;
    this.concurrency = concurrency;
    this.memoryMb = memoryMb;
  }

  /** Creates or replaces {@code prefix-0 .. prefix-(count-1)} as noops. */
  public void create(String prefix, int count) throws IOException, InterruptedException {
    create(prefix, count, NOOP);
  }

  /** Creates or replaces {@code prefix-0 .. prefix-(count-1)} with the Node.js {@code code}. */
  public void create(String prefix, int count, String code)
      throws IOException, InterruptedException {
    forEach(prefix, count, name -> client.putNodeAction(name, code, concurrency, memoryMb));
  }

  /**
   * Invokes {@code prefix-0 .. prefix-(count-1)} once each (blocking), a few at a time, so that
   * every action has a warm container before a measurement starts. An answer other than 200 fails
   * with the action's name and status: a scenario measured on unprimed actions would silently
   * measure cold starts instead. A throttled invoke (429, as the tail of a heavy scenario may
   * cause) is retried after its {@code Retry-After} (at most 2 s) for up to {@link
   * #PRIME_PATIENCE}.
   */
  public void prime(String prefix, int count) throws IOException, InterruptedException {
    forEach(
        prefix,
        count,
        name -> {
          long giveUp = System.nanoTime() + PRIME_PATIENCE.toNanos();
          HttpResponse<String> r = client.invokeBlocking(name);
          while (r.statusCode() == 429 && System.nanoTime() < giveUp) {
            Thread.sleep(PRIME_BACKOFF.after(r));
            r = client.invokeBlocking(name);
          }
          if (r.statusCode() != 200) {
            throw new IOException(
                "priming " + name + " answered " + r.statusCode() + ": " + r.body());
          }
        });
  }

  /** How long priming retries an action that keeps answering 429. */
  static final Duration PRIME_PATIENCE = Duration.ofSeconds(60);

  private static final Backoff PRIME_BACKOFF = new Backoff(1_000, 100, 2_000);

  /** Deletes {@code prefix-0 .. prefix-(count-1)}; missing ones are fine. */
  public void delete(String prefix, int count) throws IOException, InterruptedException {
    forEach(prefix, count, client::deleteAction);
  }

  private interface ActionCall {
    void apply(String name) throws IOException, InterruptedException;
  }

  private static void forEach(String prefix, int count, ActionCall call)
      throws IOException, InterruptedException {
    ExecutorService pool =
        Executors.newFixedThreadPool(
            Math.min(PARALLELISM, Math.max(1, count)),
            r -> {
              Thread t = new Thread(r, "perf-setup");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Void>> done = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = prefix + "-" + i;
        done.add(
            pool.submit(
                () -> {
                  call.apply(name);
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
