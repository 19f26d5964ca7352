package io.kwhisk.perf.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class RawHttpClientTest {
  private static final String RECORD = "{\"response\":{\"status\":\"success\"},\"name\":\"été\"}";

  private HttpServer server;
  private final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final CountDownLatch never = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/api/v1/namespaces/guest/actions/", this::answer);
    server.start();
  }

  @AfterEach
  void stop() {
    never.countDown();
    server.stop(0);
  }

  private void answer(HttpExchange x) throws IOException {
    clientPorts.add(x.getRemoteAddress().getPort());
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(
        x.getRequestMethod()
            + " "
            + x.getRequestURI()
            + " "
            + x.getRequestHeaders().getFirst("Authorization")
            + " "
            + body);
    String action =
        x.getRequestURI().getPath().substring(x.getRequestURI().getPath().lastIndexOf('/') + 1);
    byte[] bytes = RECORD.getBytes(StandardCharsets.UTF_8);
    switch (action) {
      case "chunked":
        x.sendResponseHeaders(200, 0);
        try (OutputStream out = x.getResponseBody()) {
          out.write(bytes, 0, 10);
          out.flush();
          out.write(bytes, 10, bytes.length - 10);
        }
        return;
      case "throttled":
        x.getResponseHeaders().add("Retry-After", "1");
        bytes = "{\"error\":\"too many\"}".getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(429, bytes.length);
        break;
      case "closing":
        x.getResponseHeaders().add("Connection", "close");
        x.sendResponseHeaders(200, bytes.length);
        break;
      case "silent":
        try {
          never.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      default:
        x.sendResponseHeaders(200, bytes.length);
    }
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  private RawHttpClient client(Duration timeout) {
    return new RawHttpClient(
        new InvokeTarget(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            "/api/v1/namespaces/guest/actions/",
            "Basic dXNlcjprZXk=",
            timeout));
  }

  @Test
  void manyInvokesGoOverOneKeepAliveConnectionEachWithTheWholeRequest() throws Exception {
    try (InvokeConnection c = client(Duration.ofSeconds(10)).open()) {
      for (int i = 0; i < 20; i++) {
        HttpAnswer a = c.invoke("noop-" + (i % 2));
        assertThat(a.status()).isEqualTo(200);
        assertThat(a.body()).isEqualTo(RECORD);
      }
    }
    assertThat(clientPorts).hasSize(1);
    assertThat(requests)
        .hasSize(20)
        .allMatch(
            r ->
                r.matches(
                    "POST /api/v1/namespaces/guest/actions/noop-[01]\\?blocking=true "
                        + "Basic dXNlcjprZXk= \\{}"));
  }

  @Test
  void aChunkedAnswerIsReadWholeAndTheConnectionStaysUsable() throws Exception {
    try (InvokeConnection c = client(Duration.ofSeconds(10)).open()) {
      assertThat(c.invoke("chunked").body()).isEqualTo(RECORD);
      assertThat(c.invoke("chunked").body()).isEqualTo(RECORD);
      assertThat(c.invoke("noop").body()).isEqualTo(RECORD);
    }
    assertThat(clientPorts).hasSize(1);
  }

  @Test
  void aThrottledAnswerCarriesItsRetryAfter() throws Exception {
    try (InvokeConnection c = client(Duration.ofSeconds(10)).open()) {
      HttpAnswer a = c.invoke("throttled");
      assertThat(a.status()).isEqualTo(429);
      assertThat(a.retryAfter()).hasValue("1");
      assertThat(a.body()).contains("too many");
    }
  }

  @Test
  void anAnswerThatAsksToCloseMakesTheNextInvokeOpenANewConnection() throws Exception {
    try (InvokeConnection c = client(Duration.ofSeconds(10)).open()) {
      assertThat(c.invoke("closing").status()).isEqualTo(200);
      assertThat(c.invoke("noop").status()).isEqualTo(200);
    }
    assertThat(clientPorts).hasSize(2);
  }

  @Test
  void anAnswerThatNeverComesFailsWithATimeoutAndTheNextInvokeReconnects() throws Exception {
    try (InvokeConnection c = client(Duration.ofMillis(200)).open()) {
      assertThatThrownBy(() -> c.invoke("silent")).isInstanceOf(SocketTimeoutException.class);
      never.countDown();
      assertThat(c.invoke("noop").status()).isEqualTo(200);
    }
  }

  @Test
  void nothingListeningFailsTheInvokeRatherThanHanging() {
    int port = server.getAddress().getPort();
    server.stop(0);
    RawHttpClient client =
        new RawHttpClient(
            new InvokeTarget(
                URI.create("http://127.0.0.1:" + port),
                "/api/v1/namespaces/guest/actions/",
                "Basic x",
                Duration.ofSeconds(5)));

    assertThatThrownBy(() -> client.open().invoke("noop")).isInstanceOf(IOException.class);
  }
}
