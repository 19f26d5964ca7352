package io.kwhisk.invoker;

import io.kwhisk.common.config.ConfigSource;
import java.util.concurrent.CountDownLatch;

/** The invoker process: configuration from the environment, then {@link Invoker}; closed gracefully on SIGTERM. */
public final class InvokerMain {
  private InvokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Invoker invoker = Invoker.start(InvokerConfig.from(ConfigSource.fromEnvironment()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      invoker.close();
      stopped.countDown();
    }, "kwhisk-invoker-shutdown"));
    stopped.await();
  }
}
