package io.kwhisk.invoker.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The invoker's probes for an orchestrator, served beside {@code /metrics}: {@code /ping} answers
 * 200 while the process serves HTTP at all (liveness), {@code /ready} answers 200 only between
 * {@link #ready()} (the invoker reads its commands) and {@link #stopping()} (a graceful shutdown
 * began), 503 otherwise. Thread-safe: the state is one volatile field, written by the invoker's
 * start and close, read by the server's thread.
 */
public final class ReadinessEndpoint {
  private enum State {
    STARTING,
    READY,
    STOPPING
  }

  private volatile State state = State.STARTING;

  /** Adds {@code /ping} and {@code /ready} to {@code server}. */
  public void register(HttpServer server) {
    server.createContext("/ping", exchange -> answer(exchange, 200, "pong"));
    server.createContext(
        "/ready",
        exchange -> {
          State now = state;
          answer(exchange, now == State.READY ? 200 : 503, now.name().toLowerCase());
        });
  }

  /** The invoker started: it reads its command topic and publishes heartbeats. */
  public void ready() {
    if (state == State.STARTING) state = State.READY;
  }

  /**
   * A shutdown began: the invoker takes no more work, so an orchestrator should stop counting on
   * it.
   */
  public void stopping() {
    state = State.STOPPING;
  }

  private static void answer(HttpExchange exchange, int status, String text) throws IOException {
    byte[] body = ("{\"status\":\"" + text + "\"}").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
