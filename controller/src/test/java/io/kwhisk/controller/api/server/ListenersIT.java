package io.kwhisk.controller.api.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.controller.Harness;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A controller with a PKCS12 keystore serves its API over HTTPS only, and with a metrics port
 * serves {@code /metrics} there and not on the API's listener. Real controller and broker, loopback
 * only.
 */
@Timeout(120)
class ListenersIT {
  private static Path dir;
  private static Path keystore;
  private static Harness harness;
  private static int metricsPort;
  private static HttpClient tls;
  private static final HttpClient plain =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    dir = Files.createTempDirectory("kwhisk-tls-it");
    keystore = SelfSignedKeystore.create(dir);
    try (ServerSocket s = new ServerSocket(0)) {
      metricsPort = s.getLocalPort();
    }
    harness =
        Harness.start(
            Map.of(
                ServerSettings.KEYSTORE,
                keystore.toString(),
                ServerSettings.KEYSTORE_PASSWORD,
                SelfSignedKeystore.PASSWORD,
                ServerSettings.METRICS_PORT,
                Integer.toString(metricsPort),
                ServerSettings.METRICS_HOST,
                "127.0.0.1"));
    tls =
        HttpClient.newBuilder()
            .sslContext(SelfSignedKeystore.trusting(keystore))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() throws Exception {
    if (harness != null) harness.close();
  }

  private static HttpResponse<String> get(HttpClient client, String url, String credentials)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET();
    if (credentials != null) {
      b.header(
          "Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()));
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String api(String scheme, String path) {
    return scheme + "://127.0.0.1:" + harness.controller().port() + path;
  }

  @Test
  void theApiAnswersOverTlsWithTheKeystoresCertificate() throws Exception {
    HttpResponse<String> list =
        get(tls, api("https", "/api/v1/namespaces/_/actions"), harness.guest());
    assertThat(list.statusCode()).as(list.body()).isEqualTo(200);
    assertThat(list.body()).isEqualTo("[]");
    HttpResponse<String> unauthenticated =
        get(tls, api("https", "/api/v1/namespaces/_/actions"), null);
    assertThat(unauthenticated.statusCode()).isEqualTo(401);
    assertThat(unauthenticated.body()).contains("\"error\"").contains("\"code\"");
  }

  @Test
  void theApiRefusesPlainHttpAndClientsThatDoNotTrustItsCertificate() {
    assertThatThrownBy(() -> get(plain, api("http", "/ping"), null))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> get(plain, api("https", "/ping"), null))
        .isInstanceOf(IOException.class)
        .hasStackTraceContaining("PKIX");
  }

  @Test
  void metricsAreServedOnTheirOwnPortAndNotOnTheApis() throws Exception {
    HttpResponse<String> scrape = get(plain, "http://127.0.0.1:" + metricsPort + "/metrics", null);
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).contains("kwhisk_controller");
    HttpResponse<String> onApi = get(tls, api("https", "/metrics"), null);
    assertThat(onApi.statusCode()).isEqualTo(404);
    assertThat(onApi.body()).contains("\"error\"").contains("\"code\"");
    assertThat(get(tls, api("https", "/ping"), null).statusCode()).isEqualTo(200);
  }
}
