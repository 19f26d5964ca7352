package io.kwhisk.invoker;

import io.kwhisk.common.config.ConfigSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The invoker process: configuration from the environment, then {@link Invoker}; closed gracefully
 * on SIGTERM.
 */
public final class InvokerMain {
  private static final Logger log = LoggerFactory.getLogger(InvokerMain.class);

  private InvokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    ConfigSource source = ConfigSource.fromEnvironment();
    Invoker invoker = Invoker.start(InvokerConfig.from(source));
    source
        .unread(List.of("kwhisk.invoker."))
        .forEach(
            key ->
                log.warn(
                    "configuration {} is set but no setting has that name (misspelt?); it is ignored",
                    key));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  invoker.close();
                  stopped.countDown();
                },
                "kwhisk-invoker-shutdown"));
    stopped.await();
  }
}
