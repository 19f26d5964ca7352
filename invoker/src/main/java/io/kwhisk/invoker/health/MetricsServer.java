package io.kwhisk.invoker.health;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The invoker's HTTP port for operators: the Prometheus scrape endpoint on {@code /metrics} and the
 * probes of {@link ReadinessEndpoint}. The JDK's server, one thread, off the actor dispatchers.
 */
public final class MetricsServer implements AutoCloseable {
  private final HttpServer server;

  private MetricsServer(HttpServer server) {
    this.server = server;
  }

  /**
   * Serves {@code registry} and {@code readiness} on {@code port}; null when the registry is not a
   * Prometheus one (nothing to scrape).
   */
  public static MetricsServer start(int port, MeterRegistry registry, ReadinessEndpoint readiness) {
    if (!(registry instanceof PrometheusMeterRegistry prometheus)) return null;
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
      server.createContext(
          "/metrics",
          exchange -> {
            byte[] body = prometheus.scrape().getBytes(StandardCharsets.UTF_8);
            exchange
                .getResponseHeaders()
                .set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      readiness.register(server);
      server.start();
      return new MetricsServer(server);
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot serve metrics on port " + port + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
