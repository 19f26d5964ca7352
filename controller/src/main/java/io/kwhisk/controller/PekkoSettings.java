package io.kwhisk.controller;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.kwhisk.controller.api.ActionPut;
import java.util.List;
import java.util.Map;

/**
 * The configuration of a controller's actor system, which also serves its API: logging through
 * SLF4J, the timer wheel's tick, the HTTP server's limits and time-outs sized from the controller's
 * own settings, and no JVM exit or shutdown hook of Pekko's (the controller closes it).
 */
final class PekkoSettings {
  /**
   * Pekko's timer wheel wakes its thread every tick, timers due or not: 10 ms by default, about 1%
   * of a core per actor system on an idle host (measured: still a third of an idle standalone at 20
   * ms). No timer here needs a finer grain than 50 ms: delays are rounded up to whole ticks.
   */
  private static final String TICK = "50ms";

  private PekkoSettings() {}

  static Config of(ControllerConfig config) {
    return ConfigFactory.parseMap(
            Map.of(
                "pekko.loggers",
                List.of("org.apache.pekko.event.slf4j.Slf4jLogger"),
                "pekko.logging-filter",
                "org.apache.pekko.event.slf4j.Slf4jLoggingFilter",
                "pekko.loglevel",
                "INFO",
                "pekko.scheduler.tick-duration",
                TICK,
                // Each route checks its own limit (ApiRoutes.withBody); the server's must let the
                // largest through.
                "pekko.http.server.parsing.max-content-length",
                String.valueOf(Math.max(config.maxPayloadBytes(), ActionPut.MAX_BODY_BYTES)),
                "pekko.http.server.request-timeout",
                (config.blockingWait().toSeconds() + 30) + "s",
                "pekko.http.server.idle-timeout",
                (config.blockingWait().toSeconds() + 60) + "s",
                "pekko.coordinated-shutdown.exit-jvm",
                "off",
                "pekko.coordinated-shutdown.run-by-jvm-shutdown-hook",
                "off"))
        .withFallback(ConfigFactory.load());
  }
}
