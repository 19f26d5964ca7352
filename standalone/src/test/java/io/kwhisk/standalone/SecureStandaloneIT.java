package io.kwhisk.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.json.Json;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * A standalone in its secure defaults plus TLS: the API over HTTPS with a self-signed PKCS12
 * keystore (made by the JDK's keytool), actions on the invoker's isolated network calling it
 * through the bundled {@code openwhisk} npm client ({@code ignore_certs}), and no namespace key in
 * any log line of the whole create/invoke cycle (every logger of the JVM captured from before the
 * start, kwhisk's at DEBUG).
 */
class SecureStandaloneIT {
  private static final String PASSWORD = "it-keystore-secret";

  @TempDir static Path dataDir;
  static Standalone standalone;
  static HttpClient https;
  static final ListAppender<ILoggingEvent> captured = new ListAppender<>();
  static Level kwhiskLevel;

  @BeforeAll
  static void start() throws Exception {
    LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
    captured.setContext(logs);
    captured.start();
    logs.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(captured);
    kwhiskLevel = logs.getLogger("io.kwhisk").getLevel();
    logs.getLogger("io.kwhisk").setLevel(Level.DEBUG);

    Path keystore = keystore(dataDir);
    standalone =
        Standalone.start(
            ConfigSource.fromEnvironment(
                Map.of(
                    "kwhisk.standalone.data-dir",
                    dataDir.resolve("data").toString(),
                    "kwhisk.controller.port",
                    "0",
                    "kwhisk.controller.tls.keystore",
                    keystore.toString(),
                    "kwhisk.controller.tls.keystore-password",
                    PASSWORD,
                    "kwhisk.invoker.keep-alive",
                    "30s")));
    https =
        HttpClient.newBuilder()
            .sslContext(trusting(keystore))
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @AfterAll
  static void stop() {
    try {
      if (standalone != null) standalone.close();
    } finally {
      LoggerContext logs = (LoggerContext) LoggerFactory.getILoggerFactory();
      logs.getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(captured);
      logs.getLogger("io.kwhisk").setLevel(kwhiskLevel);
    }
  }

  private static Path keystore(Path dir) throws Exception {
    Path file = dir.resolve("api.p12");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "kwhisk-api",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=localhost",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isZero();
    return file;
  }

  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  private static HttpResponse<String> call(
      String method, String path, String body, String credentials) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(standalone.apiHost() + "/api/v1/namespaces/_" + path))
            .timeout(Duration.ofSeconds(90))
            .header(
                "Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()))
            .header("Content-Type", "application/json")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void create(String name, String code) throws Exception {
    HttpResponse<String> r =
        call(
            "PUT",
            "/actions/" + name,
            "{\"exec\":{\"kind\":\"nodejs:20\",\"code\":"
                + Json.encodeString(code)
                + "},\"annotations\":[{\"key\":\"provide-api-key\",\"value\":true}]}",
            standalone.auth());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  @Test
  @Timeout(300)
  void anActionCallsTheApiOverTlsThroughTheOpenwhiskModuleAndNoKeyReachesTheLogs()
      throws Exception {
    assertThat(standalone.apiHost()).startsWith("https://");
    create("callee", "function main(p) { return {twice: p.n * 2}; }");
    create(
        "caller",
        """
        const openwhisk = require('openwhisk');
        async function main(p) {
          const ow = openwhisk({ignore_certs: true});
          try {
            const names = (await ow.actions.list()).map(a => a.name).sort();
            const r = await ow.actions.invoke({name: 'callee', blocking: true, result: true, params: {n: p.n}});
            return {apiHost: process.env.__OW_API_HOST, names, fromCallee: r};
          } catch (e) {
            return {failed: String(e)};
          }
        }""");
    HttpResponse<String> r =
        call("POST", "/actions/caller?blocking=true", "{\"n\":21}", standalone.auth());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode record = Json.MAPPER.readTree(r.body());
    JsonNode result = record.path("response").path("result");
    assertThat(result.path("apiHost").asText()).as("%s", result).startsWith("https://");
    assertThat(result.path("names").toString()).isEqualTo("[\"callee\",\"caller\"]");
    assertThat(result.path("fromCallee").path("twice").asInt()).isEqualTo(42);
    String id = record.path("activationId").asText();
    assertThat(call("GET", "/activations/" + id, null, standalone.auth()).statusCode())
        .isEqualTo(200);
    String uuid = standalone.auth().substring(0, standalone.auth().indexOf(':'));
    String wrong = uuid + ":" + "x".repeat(64);
    assertThat(call("GET", "/actions", null, wrong).statusCode()).isEqualTo(401);

    String key = standalone.auth().substring(standalone.auth().indexOf(':') + 1);
    List<String> secrets =
        List.of(
            key,
            "x".repeat(64),
            PASSWORD,
            Base64.getEncoder().encodeToString(standalone.auth().getBytes()),
            Base64.getEncoder().encodeToString(wrong.getBytes()));
    List<String> lines = new ArrayList<>();
    synchronized (captured.list) {
      for (ILoggingEvent e : captured.list) {
        lines.add(
            e.getFormattedMessage()
                + (e.getThrowableProxy() == null
                    ? ""
                    : ThrowableProxyUtil.asString(e.getThrowableProxy()))
                + " "
                + e.getMDCPropertyMap());
      }
    }
    assertThat(lines)
        .as("log lines captured, kwhisk's debug ones too")
        .anyMatch(l -> l.contains("listening on"))
        .anyMatch(l -> l.contains("sent ContainerCreation for guest/caller"));
    for (String secret : secrets) {
      assertThat(lines).as("lines holding a secret").noneMatch(l -> l.contains(secret));
    }
  }
}
