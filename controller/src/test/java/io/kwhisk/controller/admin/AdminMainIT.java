package io.kwhisk.controller.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.controller.Harness;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The admin command against a real broker and a running controller that shares its entity store. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminMainIT {
  static Harness h;

  record Run(int status, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    h = Harness.start(Map.of());
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  static Run admin(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = AdminMain.run(args, ConfigSource.of(Map.of("kwhisk.kafka.bootstrap-servers", h.bootstrapServers())),
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void namespaceCreatePrintsCredentialsThatTheRunningControllerAccepts() throws Exception {
    Run created = admin("namespace", "create", "team-a");
    assertThat(created.status()).as(created.err()).isZero();
    String credentials = created.out().trim();
    assertThat(credentials).matches("[0-9a-f-]{36}:[A-Za-z0-9]{64}");

    await().atMost(Duration.ofSeconds(20))
        .until(() -> h.call("GET", "/api/v1/namespaces", null, credentials).statusCode() == 200);
    HttpResponse<String> mine = h.call("GET", "/api/v1/namespaces", null, credentials);
    assertThat(Harness.json(mine).get(0).asText()).isEqualTo("team-a");
    assertThat(h.call("GET", "/api/v1/namespaces/guest/actions", null, credentials).statusCode())
        .as("the new key sees only its own namespace").isEqualTo(403);
    String wrongKey = credentials.substring(0, credentials.indexOf(':') + 1) + "0".repeat(64);
    assertThat(h.call("GET", "/api/v1/namespaces", null, wrongKey).statusCode()).isEqualTo(401);
  }

  @Test
  void creatingANamespaceTwiceFailsTheSecondTime() {
    assertThat(admin("namespace", "create", "twice").status()).isZero();
    Run again = admin("namespace", "create", "twice");
    assertThat(again.status()).isEqualTo(1);
    assertThat(again.err()).contains("twice already exists");
  }

  @Test
  void namespaceListShowsEveryNamespaceWithItsConcurrencyLimit() {
    assertThat(admin("namespace", "create", "listed").status()).isZero();
    assertThat(admin("namespace", "limit", "listed", "7").status()).isZero();
    Run list = admin("namespace", "list");
    assertThat(list.status()).isZero();
    assertThat(list.out()).contains("guest\t").contains("concurrentInvocations=100 (default)");
    assertThat(list.out().lines().filter(l -> l.startsWith("listed\t")).findFirst().orElseThrow())
        .endsWith("concurrentInvocations=7");
  }

  @Test
  void namespaceRegisterMakesTheGivenKeyWorkAndCanRunAgainAtEveryInstall() throws Exception {
    String credentials = "6f1c1a4e-3b1d-4c55-9a64-5f8d2f0a7b11:" + "k".repeat(64);
    Run first = admin("namespace", "register", "deployed", credentials);
    assertThat(first.status()).as(first.err()).isZero();
    assertThat(admin("namespace", "limit", "deployed", "9").status()).isZero();
    Run again = admin("namespace", "register", "deployed", credentials);
    assertThat(again.status()).as(again.err()).isZero();

    await().atMost(Duration.ofSeconds(20))
        .until(() -> h.call("GET", "/api/v1/namespaces", null, credentials).statusCode() == 200);
    assertThat(Harness.json(h.call("GET", "/api/v1/namespaces", null, credentials)).get(0).asText())
        .isEqualTo("deployed");
    assertThat(admin("namespace", "list").out().lines().filter(l -> l.startsWith("deployed\t")).findFirst()
        .orElseThrow()).as("registering again keeps the limit").endsWith("concurrentInvocations=9");
    assertThat(admin("namespace", "register", "deployed", "no-colon").status()).isEqualTo(1);
  }

  @Test
  void aBadCommandPrintsTheUsageAndExitsWithTwo() {
    Run bad = admin("namespace", "remove", "x");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("Unmatched argument", "Did you mean: namespace create");
    Run zero = admin("namespace", "limit", "guest", "zero");
    assertThat(zero.status()).isEqualTo(2);
    assertThat(zero.err()).contains("the limit must be a positive integer or 'default', got zero", "Usage:");
    assertThat(admin().status()).as("no command").isEqualTo(2);
    Run help = admin("namespace", "register", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("<uuid:key>");
    assertThat(admin("namespace", "limit", "nobody", "3").err()).contains("nobody does not exist");
  }
}
