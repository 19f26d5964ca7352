package io.kwhisk.controller;

import io.kwhisk.common.config.ConfigSource;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts one controller from the environment's configuration and stops it on SIGTERM. Wiring only.
 */
public final class ControllerMain {
  private static final Logger log = LoggerFactory.getLogger(ControllerMain.class);

  private ControllerMain() {}

  public static void main(String[] args) throws Exception {
    ConfigSource source = ConfigSource.fromEnvironment();
    ControllerConfig config = ControllerConfig.from(source);
    Controller controller = Controller.start(config);
    source
        .unread(List.of("kwhisk.controller."))
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
                  controller.close();
                  stopped.countDown();
                },
                "controller-shutdown"));
    stopped.await();
  }
}
