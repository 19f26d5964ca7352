package io.kwhisk.invoker.prewarm;

import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.docker.ContainerSpec;
import io.kwhisk.invoker.docker.ContainerStatus;
import io.kwhisk.invoker.docker.RunningContainer;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ContainerRuntime} that keeps a stock of started but uninitialised containers (prewarm)
 * per image and memory limit, and answers a {@link #start} for that image and memory with one of
 * them at once instead of creating a container: the cold start skips create, start and the wait for
 * the action port. Each container handed out is replaced in the background. Everything else goes to
 * the wrapped runtime.
 *
 * <p>The stock's memory is reserved apart from the pool's (the invoker's pool gets its user memory
 * minus the stock's), so a handed-out container, now counted by the pool, and its replacement never
 * exceed the user memory. Thread-safe: {@link #start} may be called from any thread; stock starts
 * complete on the wrapped runtime's threads.
 */
public final class PrewarmingRuntime implements ContainerRuntime {
  private static final Logger log = LoggerFactory.getLogger(PrewarmingRuntime.class);

  /** Label on stock containers: the image they were started for. */
  public static final String PREWARM_LABEL = "io.kwhisk.prewarm";

  /**
   * What a stock container fits: an action whose image, memory limit and container environment are
   * these (the environment is fixed when a container starts: an action of concurrency above 1 gets
   * its own).
   */
  public record Stock(String image, long memoryMb, int count, Map<String, String> env) {
    public Stock {
      Objects.requireNonNull(image, "image should not be null");
      env = Map.copyOf(env);
    }

    public Stock(String image, long memoryMb, int count) {
      this(image, memoryMb, count, Map.of());
    }
  }

  private record Key(String image, long memoryMb, Map<String, String> env) {}

  private final ContainerRuntime delegate;
  private final InvokerMetrics metrics;
  private final String namePrefix;
  private final Map<Key, Deque<RunningContainer>> stock = new ConcurrentHashMap<>();
  private final Set<CompletableFuture<RunningContainer>> starting = ConcurrentHashMap.newKeySet();
  private final AtomicLong sequence = new AtomicLong();
  private volatile boolean closed;

  /**
   * Wraps {@code delegate} and starts filling the stock; {@code namePrefix} makes stock container
   * names unique on the host (the invoker and its run).
   */
  public PrewarmingRuntime(
      ContainerRuntime delegate, List<Stock> stocks, InvokerMetrics metrics, String namePrefix) {
    this.delegate = Objects.requireNonNull(delegate, "delegate should not be null");
    this.metrics = Objects.requireNonNull(metrics, "metrics should not be null");
    this.namePrefix = namePrefix;
    metrics.prewarmStock(() -> stock.values().stream().mapToInt(Deque::size).sum());
    for (Stock s : stocks) {
      Key key = new Key(s.image(), s.memoryMb(), s.env());
      stock.put(key, new ConcurrentLinkedDeque<>());
      for (int i = 0; i < s.count(); i++) replenish(key);
    }
  }

  /**
   * Stock containers ready now for {@code image} and {@code memoryMb} (and no environment of their
   * own).
   */
  public int ready(String image, long memoryMb) {
    Deque<RunningContainer> q = stock.get(new Key(image, memoryMb, Map.of()));
    return q == null ? 0 : q.size();
  }

  /**
   * A stock container when one fits, else a new one. A stock container is checked first (one engine
   * inspect): one that died while waiting is removed and the start creates a new container, so an
   * action never initialises a dead container. Its replacement is asked of the engine only once the
   * check answered: the check is on the cold start's path (it comes before {@code /init}), and a
   * creation sent at the same moment competes with it at the engine.
   */
  @Override
  public CompletionStage<RunningContainer> start(ContainerSpec spec) {
    Key key = new Key(spec.image(), spec.memoryMb(), spec.env());
    Deque<RunningContainer> q = stock.get(key);
    RunningContainer c = q == null ? null : q.poll();
    if (c == null) return delegate.start(spec);
    return delegate
        .awaitStopped(c.id(), Duration.ZERO)
        .handle((status, e) -> e == null && status.running())
        .thenCompose(
            alive -> {
              CompletionStage<RunningContainer> started =
                  alive ? taken(c, spec) : replaced(c, spec);
              replenish(key);
              return started;
            });
  }

  private CompletionStage<RunningContainer> taken(RunningContainer c, ContainerSpec spec) {
    metrics.prewarmUsed();
    log.debug("Container {} for {} taken from the prewarm stock", c.name(), spec.name());
    return CompletableFuture.completedFuture(c);
  }

  private CompletionStage<RunningContainer> replaced(RunningContainer dead, ContainerSpec spec) {
    log.warn(
        "Prewarm container {} is no longer running; removing it and creating {}",
        dead.name(),
        spec.name());
    delegate.remove(dead.id());
    return delegate.start(spec);
  }

  private void replenish(Key key) {
    if (closed) return;
    String name = namePrefix + "_prewarm_" + sequence.incrementAndGet();
    CompletableFuture<RunningContainer> started =
        delegate
            .start(
                new ContainerSpec(
                    name,
                    key.image(),
                    key.memoryMb(),
                    Map.of(PREWARM_LABEL, key.image()),
                    key.env()))
            .toCompletableFuture();
    starting.add(started);
    started.whenComplete(
        (c, e) -> {
          starting.remove(started);
          if (e != null) {
            log.warn(
                "Prewarm container {} ({}) did not start: {}", name, key.image(), e.toString());
          } else if (closed) {
            delegate.remove(c.id());
          } else {
            stock.get(key).add(c);
          }
        });
  }

  @Override
  public CompletionStage<Void> remove(String containerId) {
    return delegate.remove(containerId);
  }

  @Override
  public CompletionStage<Void> pause(String containerId) {
    return delegate.pause(containerId);
  }

  @Override
  public CompletionStage<Void> unpause(String containerId) {
    return delegate.unpause(containerId);
  }

  @Override
  public CompletionStage<ContainerStatus> awaitStopped(String containerId, Duration wait) {
    return delegate.awaitStopped(containerId, wait);
  }

  @Override
  public CompletionStage<List<String>> list(Map<String, String> labels) {
    return delegate.list(labels);
  }

  @Override
  public AutoCloseable followLogs(String containerId, LogSink sink) {
    return delegate.followLogs(containerId, sink);
  }

  /**
   * Stops replenishing, removes the stock (waiting for starts under way) and closes the wrapped
   * runtime.
   */
  @Override
  public void close() {
    closed = true;
    try {
      CompletableFuture.allOf(starting.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.debug("Waiting for prewarm starts failed: {}", e.toString());
    }
    List<CompletableFuture<Void>> removals = new ArrayList<>();
    for (Deque<RunningContainer> q : stock.values()) {
      for (RunningContainer c; (c = q.poll()) != null; )
        removals.add(delegate.remove(c.id()).toCompletableFuture());
    }
    try {
      CompletableFuture.allOf(removals.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      log.warn("Removing prewarm containers failed: {}", e.toString());
    }
    delegate.close();
  }
}
