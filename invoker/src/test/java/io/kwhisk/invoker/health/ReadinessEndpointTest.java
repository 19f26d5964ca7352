package io.kwhisk.invoker.health;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ReadinessEndpointTest {
  private final ReadinessEndpoint readiness = new ReadinessEndpoint();
  private final HttpClient client = HttpClient.newHttpClient();
  private HttpServer server;

  @BeforeEach
  void serve() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    readiness.register(server);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  @Timeout(10)
  void anInvokerIsNotReadyUntilItStartedAndNoLongerOnceItStops() throws Exception {
    assertThat(get("/ready").statusCode()).as("starting").isEqualTo(503);
    readiness.ready();
    HttpResponse<String> ready = get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("{\"status\":\"ready\"}");
    readiness.stopping();
    assertThat(get("/ready").body()).isEqualTo("{\"status\":\"stopping\"}");
    assertThat(get("/ready").statusCode()).isEqualTo(503);
  }

  @Test
  @Timeout(10)
  void aStoppingInvokerDoesNotBecomeReadyAgain() throws Exception {
    readiness.stopping();
    readiness.ready();
    assertThat(get("/ready").statusCode()).isEqualTo(503);
  }

  @Test
  @Timeout(10)
  void pingAnswersWhateverTheReadiness() throws Exception {
    assertThat(get("/ping").statusCode()).isEqualTo(200);
    readiness.stopping();
    assertThat(get("/ping").statusCode()).isEqualTo(200);
  }

  @Test
  @Timeout(10)
  void aDeadFeedMakesBothProbesFailAndNamesIt() throws Exception {
    AtomicBoolean commandsAlive = new AtomicBoolean(true);
    readiness.watch("command feed", commandsAlive::get);
    readiness.watch("push feed", () -> true);
    readiness.ready();
    assertThat(get("/ready").statusCode()).isEqualTo(200);
    assertThat(get("/ping").statusCode()).isEqualTo(200);

    commandsAlive.set(false);
    HttpResponse<String> ready = get("/ready");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("{\"status\":\"failed\",\"dead\":\"command feed\"}");
    assertThat(get("/ping").statusCode())
        .as("liveness: the invoker must be restarted")
        .isEqualTo(503);
  }

  private HttpResponse<String> get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
