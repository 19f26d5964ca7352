package io.kwhisk.controller;

import io.kwhisk.common.config.ConfigSource;
import java.util.concurrent.CountDownLatch;

/** Starts one controller from the environment's configuration and stops it on SIGTERM. Wiring only. */
public final class ControllerMain {
  private ControllerMain() {}

  public static void main(String[] args) throws Exception {
    ControllerConfig config = ControllerConfig.from(ConfigSource.fromEnvironment());
    Controller controller = Controller.start(config);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      controller.close();
      stopped.countDown();
    }, "controller-shutdown"));
    stopped.await();
  }
}
