package io.kwhisk.invoker.health;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * The invoker's probes for an orchestrator, served beside {@code /metrics}: {@code /ping} answers
 * 200 while the process serves HTTP at all (liveness), {@code /ready} answers 200 only between
 * {@link #ready()} (the invoker reads its commands) and {@link #stopping()} (a graceful shutdown
 * began), 503 otherwise. Both answer 503 once a {@link #watch watched} part died: a feed whose
 * thread ended on an exception never reads again, so the invoker takes no more work while it looks
 * alive; an orchestrator's liveness probe restarts it. Thread-safe: the state is one volatile
 * field, written by the invoker's start and close, and the watched parts a concurrent list, both
 * read by the server's thread.
 */
public final class ReadinessEndpoint {
  private enum State {
    STARTING,
    READY,
    STOPPING
  }

  private record Watched(String part, BooleanSupplier alive) {}

  private volatile State state = State.STARTING;
  private final List<Watched> watched = new CopyOnWriteArrayList<>();

  /** Adds {@code /ping} and {@code /ready} to {@code server}. */
  public void register(HttpServer server) {
    server.createContext(
        "/ping",
        exchange -> {
          String dead = dead();
          if (dead != null) answer(exchange, 503, "failed", dead);
          else answer(exchange, 200, "pong", null);
        });
    server.createContext(
        "/ready",
        exchange -> {
          String dead = dead();
          State now = state;
          if (dead != null) answer(exchange, 503, "failed", dead);
          else answer(exchange, now == State.READY ? 200 : 503, now.name().toLowerCase(), null);
        });
  }

  /**
   * Watches {@code part} (a feed the invoker cannot work without): once {@code alive} answers
   * false, both probes answer 503 naming it. {@code alive} is called on the server's thread.
   */
  public void watch(String part, BooleanSupplier alive) {
    watched.add(new Watched(part, alive));
  }

  /** The first watched part that died, null while all live. */
  private String dead() {
    for (Watched w : watched) {
      if (!w.alive().getAsBoolean()) return w.part();
    }
    return null;
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

  private static void answer(HttpExchange exchange, int status, String text, String deadPart)
      throws IOException {
    String json =
        deadPart == null
            ? "{\"status\":\"" + text + "\"}"
            : "{\"status\":\"" + text + "\",\"dead\":\"" + deadPart + "\"}";
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
