package io.kwhisk.perf;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A tiny OpenWhisk REST endpoint on loopback for testing the load generator without a platform:
 * PUT, DELETE and blocking POST of actions under {@code /api/v1/namespaces/{ns}/actions/{name}},
 * Basic auth checked. By default an invoke answers 200 with an activation record whose result
 * echoes the invoke's parameters, with an {@code initTime} annotation on each action's first invoke
 * (a cold start) and the answer's time as its {@code start}; {@link #respond} replaces that.
 * Handlers run on a fixed pool of {@code threads}.
 */
public final class FakeWhisk implements AutoCloseable {
  public static final String AUTH = "23bc46b1-71f6-4ed5-8c54-816aa4f8c502:secret";

  /** Decides an invoke's answer; {@code n} counts invokes over all actions from 1. */
  public interface Responder {
    Answer answer(String action, long n, boolean firstOfAction) throws InterruptedException;
  }

  /** A {@link Responder} that also sees the invoke's parameters (its JSON body). */
  public interface ParamsResponder {
    Answer answer(String action, long n, boolean firstOfAction, String params)
        throws InterruptedException;
  }

  public record Answer(int status, String body) {}

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle and delayed
    // ACKs add ~40 ms
    // to every exchange on loopback. Read once, when the first server starts.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService pool;
  private final Set<String> actions = ConcurrentHashMap.newKeySet();
  private final Map<String, String> definitions = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> invokes = new ConcurrentHashMap<>();
  private final AtomicLong invokeCount = new AtomicLong();
  private volatile ParamsResponder responder = FakeWhisk::echo;

  public FakeWhisk(int threads) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
    pool = Executors.newFixedThreadPool(threads);
    server.setExecutor(pool);
    server.createContext("/api/v1/namespaces/", this::handle);
    server.start();
  }

  public String apiHost() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  public FakeWhisk respond(Responder r) {
    this.responder = (action, n, first, params) -> r.answer(action, n, first);
    return this;
  }

  public FakeWhisk respondWithParams(ParamsResponder r) {
    this.responder = r;
    return this;
  }

  public Set<String> actions() {
    return Set.copyOf(actions);
  }

  /** The body of the last PUT of {@code action}. */
  public String definition(String action) {
    return definitions.get(action);
  }

  public long invokes(String action) {
    LongAdder n = invokes.get(action);
    return n == null ? 0 : n.sum();
  }

  public long invokes() {
    return invokeCount.get();
  }

  public static Answer success(String action, long n, boolean cold) {
    return new Answer(200, record(action, "success", cold));
  }

  /** A successful activation whose result is the parameters it was given. */
  public static Answer echo(String action, long n, boolean cold, String params) {
    return new Answer(200, record(action, "success", cold, params.isBlank() ? "{}" : params));
  }

  public static String record(String action, String status, boolean cold) {
    return record(action, status, cold, "{}");
  }

  /** An activation record that started now, with {@code result} (JSON) as the action's result. */
  public static String record(String action, String status, boolean cold, String result) {
    long now = System.currentTimeMillis();
    String annotations =
        "[{\"key\":\"path\",\"value\":\"guest/"
            + action
            + "\"},{\"key\":\"waitTime\",\"value\":3}"
            + (cold ? ",{\"key\":\"initTime\",\"value\":42}" : "")
            + "]";
    return "{\"namespace\":\"guest\",\"name\":\""
        + action
        + "\",\"activationId\":\"a1\",\"start\":"
        + now
        + ",\"end\":"
        + (now + 1)
        + ",\"duration\":1,\"statusCode\":0,\"response\":{\"status\":\""
        + status
        + "\",\"statusCode\":0,\"success\":"
        + "success".equals(status)
        + ",\"result\":"
        + result
        + "},\"logs\":[],\"annotations\":"
        + annotations
        + ",\"publish\":false}";
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String expected =
          "Basic " + Base64.getEncoder().encodeToString(AUTH.getBytes(StandardCharsets.UTF_8));
      if (!expected.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
        reply(ex, 401, "{\"error\":\"unauthorized\"}");
        return;
      }
      String[] parts = ex.getRequestURI().getPath().split("/");
      if (parts.length != 7 || !parts[5].equals("actions")) {
        reply(ex, 404, "{\"error\":\"not found\"}");
        return;
      }
      String name = URLDecoder.decode(parts[6], StandardCharsets.UTF_8);
      switch (ex.getRequestMethod()) {
        case "PUT":
          actions.add(name);
          definitions.put(name, body);
          reply(ex, 200, "{\"name\":\"" + name + "\"}");
          break;
        case "DELETE":
          reply(ex, actions.remove(name) ? 200 : 404, "{}");
          break;
        case "POST":
          invoke(ex, name, body);
          break;
        default:
          reply(ex, 405, "{}");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void invoke(HttpExchange ex, String name, String params)
      throws IOException, InterruptedException {
    if (!actions.contains(name)) {
      reply(ex, 404, "{\"error\":\"no action " + name + "\"}");
      return;
    }
    LongAdder mine = invokes.computeIfAbsent(name, k -> new LongAdder());
    boolean first;
    synchronized (mine) {
      first = mine.sum() == 0;
      mine.increment();
    }
    Answer a = responder.answer(name, invokeCount.incrementAndGet(), first, params);
    reply(ex, a.status(), a.body());
  }

  private static void reply(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().add("Content-Type", "application/json");
    ex.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
  }
}
