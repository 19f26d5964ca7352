package io.kwhisk.invoker.proxy;

import io.kwhisk.invoker.docker.ContainerRuntime;
import io.kwhisk.invoker.docker.RunningContainer;
import io.kwhisk.invoker.metrics.InvokerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens each container's {@link LogCollector} from the invoker's {@link LogSource}: its json log
 * file ({@link JsonLogFile}) when the runtime found a readable one, else its followed stream
 * ({@link StreamLogCollector}). Owns the invoker's one log reader thread, {@code kwhisk-logs-N}, on
 * which every log file is read: a read takes microseconds from the page cache, and a waiting file
 * is re-read on a timer rather than by a thread of its own. Thread-safe.
 */
public final class LogCollectors implements LogCollector.Factory, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LogCollectors.class);

  /** No logs: every segment is empty at once. */
  private static final LogCollector NONE =
      new LogCollector() {
        @Override
        public CompletableFuture<List<String>> next() {
          return CompletableFuture.completedFuture(List.of());
        }

        @Override
        public void abandon(CompletableFuture<List<String>> pending) {}

        @Override
        public void close() {}
      };

  private final LogSource source;
  private final ContainerRuntime runtime;
  private final Duration patience;
  private final InvokerMetrics metrics;
  private final ScheduledExecutorService reader;

  /**
   * @param patience how long a file is re-read for a segment whose sentinels are not in yet: the
   *     invoker's log collection timeout, after which the proxy gives up on the segment anyway
   */
  public LogCollectors(
      LogSource source,
      ContainerRuntime runtime,
      Duration patience,
      InvokerMetrics metrics,
      String threadName) {
    this.source = Objects.requireNonNull(source, "source should not be null");
    this.runtime = Objects.requireNonNull(runtime, "runtime should not be null");
    this.patience = Objects.requireNonNull(patience, "patience should not be null");
    this.metrics = Objects.requireNonNull(metrics, "metrics should not be null");
    ScheduledThreadPoolExecutor executor =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
    executor.setRemoveOnCancelPolicy(true);
    this.reader = executor;
  }

  @Override
  public LogCollector open(RunningContainer container, int limitBytes) {
    if (source != LogSource.STREAM && container.logFile() != null) {
      metrics.logSourceOpened(InvokerMetrics.LogSourceKind.FILE);
      return new JsonLogFile(
          container.logFile(), limitBytes, reader, patience, System::nanoTime, metrics);
    }
    if (source == LogSource.FILE) {
      log.warn(
          "Container {} has no readable json log file; its activations are recorded without logs",
          container.name());
      metrics.logSourceOpened(InvokerMetrics.LogSourceKind.NONE);
      return NONE;
    }
    metrics.logSourceOpened(InvokerMetrics.LogSourceKind.STREAM);
    return StreamLogCollector.follow(runtime, container.id(), limitBytes, metrics::logHeldChars);
  }

  /** Stops the reader; collectors still open complete nothing more. */
  @Override
  public void close() {
    reader.shutdownNow();
  }
}
