package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import io.kwhisk.common.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The keep-alive connection against runtimes scripted byte by byte on a local server socket:
 * parsing, connection reuse and replacement, time-outs, failures; where the answer is odd, the JDK
 * client's outcome is the reference.
 */
@Timeout(20)
class RuntimeConnectionTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private final ExecutorService calls = HttpActionContainer.newCallPool("test-keep-alive");
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (AutoCloseable c : open) c.close();
    calls.shutdownNow();
  }

  private ScriptedRuntime runtime(Handler... perConnection) throws IOException {
    ScriptedRuntime r = new ScriptedRuntime(perConnection);
    open.add(r);
    return r;
  }

  private RuntimeConnection connection(ScriptedRuntime r, int maxBodyBytes) {
    RuntimeConnection c = new RuntimeConnection("127.0.0.1", r.port(), maxBodyBytes);
    open.add(c);
    return c;
  }

  private static CallOutcome run(RuntimeConnection c, Duration timeout) {
    return c.post("/run", "{\"value\":{}}".getBytes(StandardCharsets.UTF_8), timeout);
  }

  /** The outcome of one /run through the factory's container of concurrency 1 with {@code kind}. */
  private CallOutcome runThrough(HttpActionContainer.ClientKind kind, ScriptedRuntime r) {
    ActionContainer c =
        HttpActionContainer.factory(HttpActionContainer.newClient(), calls, kind)
            .connect("127.0.0.1", r.port(), 1);
    open.add(c);
    return c.run(Json.object(), TIMEOUT).toCompletableFuture().join();
  }

  private static Handler answering(String... rawAnswers) {
    return conn -> {
      for (String answer : rawAnswers) {
        if (conn.readRequest() == null) return;
        conn.write(answer);
      }
      conn.readRequest(); // hold the connection open until the client closes it
    };
  }

  private static String json(int status, String body) {
    return "HTTP/1.1 "
        + status
        + " X\r\nContent-Type: application/json\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length
        + "\r\n\r\n"
        + body;
  }

  @Test
  void anAnswerWithContentLengthGivesItsStatusAndJsonBody() throws IOException {
    ScriptedRuntime r = runtime(answering(json(502, "{\"error\":\"bad\"}")));
    assertThat(run(connection(r, 1024), TIMEOUT))
        .isEqualTo(new CallOutcome.Answered(502, Json.object().put("error", "bad")));
    assertThat(r.requests)
        .singleElement()
        .asString()
        .startsWith("POST /run HTTP/1.1")
        .contains("content-type: application/json")
        .endsWith("{\"value\":{}}");
  }

  @Test
  void headerNamesAreMatchedWithoutRegardToCase() throws IOException {
    ScriptedRuntime r =
        runtime(
            answering(
                "HTTP/1.1 200 OK\r\ncontent-LENGTH: 8\r\nCONNECTION: Close\r\n\r\n{\"a\":1}\n",
                "unused"),
            answering(
                "HTTP/1.1 200 OK\r\ntransfer-ENCODING: CHUNKED\r\n\r\n7\r\n{\"b\":2}\r\n0\r\n\r\n"));
    RuntimeConnection c = connection(r, 1024);
    assertThat(run(c, TIMEOUT)).isEqualTo(new CallOutcome.Answered(200, Json.object().put("a", 1)));
    assertThat(run(c, TIMEOUT)).isEqualTo(new CallOutcome.Answered(200, Json.object().put("b", 2)));
    assertThat(r.connections).as("Connection: close was honoured").hasValue(2);
  }

  @Test
  void aChunkedAnswerIsJoinedAcrossChunksExtensionsAndTrailers() throws IOException {
    ScriptedRuntime r =
        runtime(
            answering(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "4;name=value\r\n{\"ok\r\n"
                    + "a\r\n\":\"yes\"}  \r\n"
                    + "0\r\nX-Trailer: 1\r\n\r\n",
                json(200, "{}")));
    RuntimeConnection c = connection(r, 1024);
    assertThat(run(c, TIMEOUT))
        .isEqualTo(new CallOutcome.Answered(200, Json.object().put("ok", "yes")));
    assertThat(run(c, TIMEOUT))
        .as("the trailer was consumed")
        .isEqualTo(new CallOutcome.Answered(200, Json.object()));
    assertThat(r.connections).hasValue(1);
  }

  @Test
  void sequentialCallsShareOneConnection() throws IOException {
    ScriptedRuntime r =
        runtime(answering(json(200, "{\"n\":1}"), json(200, "{\"n\":2}"), json(200, "{\"n\":3}")));
    RuntimeConnection c = connection(r, 1024);
    for (int n = 1; n <= 3; n++) {
      assertThat(run(c, TIMEOUT))
          .isEqualTo(new CallOutcome.Answered(200, Json.object().put("n", n)));
    }
    assertThat(r.connections).hasValue(1);
  }

  @Test
  void aBodyThatEndsWithTheConnectionIsReadAndTheNextCallConnectsAgain() throws IOException {
    Handler closeDelimited =
        conn -> {
          conn.readRequest();
          conn.write("HTTP/1.1 200 OK\r\n\r\n{\"until\":\"end\"}");
          conn.socket.close();
        };
    ScriptedRuntime r = runtime(closeDelimited, closeDelimited);
    RuntimeConnection c = connection(r, 1024);
    assertThat(run(c, TIMEOUT))
        .isEqualTo(new CallOutcome.Answered(200, Json.object().put("until", "end")));
    assertThat(run(c, TIMEOUT))
        .isEqualTo(new CallOutcome.Answered(200, Json.object().put("until", "end")));
    assertThat(r.connections).hasValue(2);
  }

  @Test
  void interimAnswersAreSkipped() throws IOException {
    ScriptedRuntime r =
        runtime(answering("HTTP/1.1 100 Continue\r\n\r\n" + json(200, "{\"after\":100}")));
    assertThat(run(connection(r, 1024), TIMEOUT))
        .isEqualTo(new CallOutcome.Answered(200, Json.object().put("after", 100)));
  }

  @Test
  void aConnectionTheContainerClosedBetweenCallsIsReplacedAndTheRequestSentOnce() throws Exception {
    CountDownLatch closedFirst = new CountDownLatch(1);
    ScriptedRuntime r =
        runtime(
            conn -> {
              conn.readRequest();
              conn.write(
                  json(200, "{\"call\":1}")); // keep-alive answer, then the container closes the
              // connection
              conn.socket.close();
              closedFirst.countDown();
            },
            answering(json(200, "{\"call\":2}")));
    RuntimeConnection c = connection(r, 1024);
    assertThat(run(c, TIMEOUT))
        .isEqualTo(new CallOutcome.Answered(200, Json.object().put("call", 1)));
    assertThat(closedFirst.await(5, TimeUnit.SECONDS)).isTrue();
    Thread.sleep(100); // let the FIN arrive
    assertThat(run(c, TIMEOUT))
        .isEqualTo(new CallOutcome.Answered(200, Json.object().put("call", 2)));
    assertThat(r.connections).hasValue(2);
    assertThat(r.requests).hasSize(2);
  }

  @Test
  void aRunThatMayHaveReachedTheContainerIsNeverSentAgain() throws IOException {
    Handler readThenClose =
        conn -> {
          conn.readRequest();
          conn.socket.close();
        };
    ScriptedRuntime r = runtime(readThenClose, readThenClose);
    CallOutcome outcome = run(connection(r, 1024), TIMEOUT);
    assertThat(outcome).isInstanceOf(CallOutcome.Failed.class);
    assertThat(((CallOutcome.Failed) outcome).reason()).contains("without answering");
    assertThat(r.requests).hasSize(1);
    assertThat(r.connections).hasValue(1);
  }

  @Test
  void aRunPastItsTimeoutIsTimedOutAndTheNextCallWorksOnAFreshConnection() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    ScriptedRuntime r =
        runtime(
            conn -> {
              conn.readRequest();
              conn.write(
                  "HTTP/1.1 200 OK\r\nContent-Length: 20\r\n\r\n{\"late\""); // part of the body,
              // then silence
              release.await(10, TimeUnit.SECONDS);
            },
            answering(json(200, "{\"fresh\":true}")));
    RuntimeConnection c = connection(r, 1024);
    long began = System.nanoTime();
    assertThat(run(c, Duration.ofMillis(300))).isEqualTo(new CallOutcome.TimedOut());
    assertThat(Duration.ofNanos(System.nanoTime() - began))
        .as("the call waited for its timeout (no upper bound: CI machines are shared and slow)")
        .isGreaterThanOrEqualTo(Duration.ofMillis(250));
    assertThat(run(c, TIMEOUT))
        .isEqualTo(new CallOutcome.Answered(200, Json.object().put("fresh", true)));
    assertThat(r.connections).hasValue(2);
    release.countDown();
  }

  @Test
  void anAnswerThatIsNotJsonIsTextAsWithTheJdkClient() throws IOException {
    for (HttpActionContainer.ClientKind kind : HttpActionContainer.ClientKind.values()) {
      ScriptedRuntime r =
          runtime(answering("HTTP/1.1 500 Oops\r\nContent-Length: 9\r\n\r\nnot json!"));
      assertThat(runThrough(kind, r))
          .as("%s", kind)
          .isEqualTo(new CallOutcome.Answered(500, TextNode.valueOf("not json!")));
    }
  }

  @Test
  void anEmptyBodyGivesTheSameOutcomeAsWithTheJdkClient() throws IOException {
    List<CallOutcome> outcomes = new ArrayList<>();
    for (HttpActionContainer.ClientKind kind : HttpActionContainer.ClientKind.values()) {
      outcomes.add(
          runThrough(kind, runtime(answering("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))));
    }
    assertThat(outcomes.get(0)).isInstanceOf(CallOutcome.Answered.class).isEqualTo(outcomes.get(1));
  }

  @Test
  void aTruncatedBodyFailsAsWithTheJdkClient() throws IOException {
    Handler truncated =
        conn -> {
          conn.readRequest();
          conn.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"cut\":");
          conn.socket.close();
        };
    for (HttpActionContainer.ClientKind kind : HttpActionContainer.ClientKind.values()) {
      assertThat(runThrough(kind, runtime(truncated)))
          .as("%s", kind)
          .isInstanceOf(CallOutcome.Failed.class);
    }
  }

  @Test
  void aTruncatedChunkedBodyFailsAsWithTheJdkClient() throws IOException {
    Handler truncated =
        conn -> {
          conn.readRequest();
          conn.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{\"cut\":");
          conn.socket.close();
        };
    for (HttpActionContainer.ClientKind kind : HttpActionContainer.ClientKind.values()) {
      assertThat(runThrough(kind, runtime(truncated)))
          .as("%s", kind)
          .isInstanceOf(CallOutcome.Failed.class);
    }
  }

  @Test
  void aMalformedAnswerFails() throws IOException {
    for (String malformed :
        List.of(
            "HTTP/1.1 2x0 OK\r\n\r\n",
            "SPDY/3 200 OK\r\n\r\n",
            "HTTP/1.1 200 OK\r\nno colon here\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")) {
      ScriptedRuntime r = runtime(answering(malformed));
      assertThat(run(connection(r, 1024), TIMEOUT))
          .as(malformed)
          .isInstanceOf(CallOutcome.Failed.class);
    }
  }

  @Test
  void anAnswerLargerThanTheLimitIsTooLargeHoweverItsBodyIsDelimited() throws IOException {
    String body = "{\"big\":\"" + "x".repeat(100) + "\"}";
    for (String answer :
        List.of(
            json(200, body),
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + Integer.toHexString(body.length())
                + "\r\n"
                + body
                + "\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body)) {
      ScriptedRuntime r =
          runtime(
              conn -> {
                conn.readRequest();
                conn.write(answer);
                conn.socket.close();
              });
      CallOutcome outcome = run(connection(r, 64), TIMEOUT);
      long announced = answer.contains("Content-Length") ? body.length() : -1;
      assertThat(outcome).as(answer).isEqualTo(new CallOutcome.TooLarge(200, announced, 64));
    }
  }

  @Test
  void anAnswerAtTheLimitIsRead() throws IOException {
    String body = "{\"k\":\"" + "x".repeat(56) + "\"}";
    assertThat(body).hasSize(64);
    ScriptedRuntime r = runtime(answering(json(200, body)));
    assertThat(run(connection(r, 64), TIMEOUT)).isInstanceOf(CallOutcome.Answered.class);
  }

  @Test
  void aContainerThatIsNotListeningFails() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RuntimeConnection c = new RuntimeConnection("127.0.0.1", port, 1024);
    assertThat(run(c, TIMEOUT)).isInstanceOf(CallOutcome.Failed.class);
  }

  @Test
  void closingFailsTheCallInFlightAndEveryLaterCall() throws Exception {
    CountDownLatch received = new CountDownLatch(1);
    ScriptedRuntime r =
        runtime(
            conn -> {
              conn.readRequest();
              received.countDown();
              conn.readRequest(); // never answers
            });
    RuntimeConnection c = connection(r, 1024);
    CompletableFuture<CallOutcome> inFlight =
        CompletableFuture.supplyAsync(() -> run(c, TIMEOUT), calls);
    assertThat(received.await(5, TimeUnit.SECONDS)).isTrue();
    c.close();
    assertThat(inFlight.get(2, TimeUnit.SECONDS)).isInstanceOf(CallOutcome.Failed.class);
    assertThat(run(c, TIMEOUT)).isInstanceOf(CallOutcome.Failed.class);
    assertThat(r.connections).hasValue(1);
  }

  // ------------------------------------------------------------------ the scripted runtime

  @FunctionalInterface
  interface Handler {
    void handle(Conn conn) throws Exception;
  }

  /** One accepted connection: reads requests, writes raw bytes. */
  static final class Conn {
    final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final List<String> requests;

    Conn(Socket socket, List<String> requests) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
      this.requests = requests;
    }

    /**
     * Reads one request (head with lower-cased header lines, then body); null when the client
     * closed.
     */
    String readRequest() throws IOException {
      StringBuilder head = new StringBuilder();
      int length = 0;
      for (String line; !(line = line()).isEmpty(); ) {
        if (line.equals("\u0000")) return null;
        if (head.length() == 0) head.append(line);
        else head.append('\n').append(line.toLowerCase());
        if (line.toLowerCase().startsWith("content-length:"))
          length = Integer.parseInt(line.substring(15).trim());
      }
      String request = head + "\n\n" + new String(in.readNBytes(length), StandardCharsets.UTF_8);
      requests.add(request);
      return request;
    }

    private String line() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int c; (c = in.read()) != '\n'; ) {
        if (c < 0) return "\u0000";
        if (c != '\r') line.write(c);
      }
      return line.toString(StandardCharsets.ISO_8859_1);
    }

    void write(String raw) throws IOException {
      out.write(raw.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }
  }

  /**
   * Hands the n-th accepted connection to the n-th handler (the last one for any after it), each on
   * its thread.
   */
  static final class ScriptedRuntime implements AutoCloseable {
    final AtomicInteger connections = new AtomicInteger();
    final List<String> requests = Collections.synchronizedList(new ArrayList<>());
    private final ServerSocket server;
    private final List<Socket> sockets = Collections.synchronizedList(new ArrayList<>());

    ScriptedRuntime(Handler... perConnection) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    sockets.add(s);
                    Handler h =
                        perConnection[
                            Math.min(connections.getAndIncrement(), perConnection.length - 1)];
                    Thread t =
                        new Thread(
                            () -> {
                              try {
                                h.handle(new Conn(s, requests));
                              } catch (Exception e) {
                                // The client closed the connection: the script ends.
                              }
                            },
                            "scripted-runtime-conn");
                    t.setDaemon(true);
                    t.start();
                  } catch (IOException e) {
                    return;
                  }
                }
              },
              "scripted-runtime");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (sockets) {
        for (Socket s : sockets) s.close();
      }
    }
  }
}
