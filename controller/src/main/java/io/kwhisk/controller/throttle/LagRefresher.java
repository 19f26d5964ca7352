package io.kwhisk.controller.throttle;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link Admission#refresh} every {@code period} on one owned thread, so the blocking Admin
 * round trip never runs on a request or actor thread. A failed refresh is logged once per streak of
 * failures and retried next period.
 */
public final class LagRefresher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LagRefresher.class);

  private final Admission admission;
  private final LagSource source;
  private final ScheduledExecutorService thread;
  private boolean failing;

  public LagRefresher(Admission admission, LagSource source, String threadName) {
    this.admission = admission;
    this.source = source;
    this.thread =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, threadName);
              t.setDaemon(true);
              return t;
            });
  }

  public LagRefresher start(Duration period) {
    thread.scheduleWithFixedDelay(this::refresh, 0, period.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  private void refresh() {
    try {
      admission.refresh(source);
      if (failing) log.info("lag refresh works again");
      failing = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!failing) log.warn("lag refresh failed, keeping the last estimates: {}", e.toString());
      failing = true;
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
