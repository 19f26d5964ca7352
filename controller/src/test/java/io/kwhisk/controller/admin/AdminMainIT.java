package io.kwhisk.controller.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.Harness;
import io.kwhisk.controller.throttle.AdmissionSettings;
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

/**
 * The admin command against a real broker and a running controller that shares its entity store.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminMainIT {
  static Harness h;

  record Run(int status, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    // A healthy (fake) invoker and room in the backlog, so that invokes reach the namespace's
    // limits.
    h =
        Harness.start(
            Map.of(
                ControllerConfig.HEARTBEAT_TIMEOUT, "10m", AdmissionSettings.MIN_BACKLOG, "1000"));
    h.heartbeat(7, Map.of());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.controller().schedulerView().hasHealthyInvoker());
  }

  @AfterAll
  static void stop() {
    if (h != null) h.close();
  }

  static Run admin(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        AdminMain.run(
            args,
            ConfigSource.of(Map.of("kwhisk.kafka.bootstrap-servers", h.bootstrapServers())),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void namespaceCreatePrintsCredentialsThatTheRunningControllerAccepts() throws Exception {
    Run created = admin("namespace", "create", "team-a");
    assertThat(created.status()).as(created.err()).isZero();
    String credentials = created.out().trim();
    assertThat(credentials).matches("[0-9a-f-]{36}:[A-Za-z0-9]{64}");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.call("GET", "/api/v1/namespaces", null, credentials).statusCode() == 200);
    HttpResponse<String> mine = h.call("GET", "/api/v1/namespaces", null, credentials);
    assertThat(Harness.json(mine).get(0).asText()).isEqualTo("team-a");
    assertThat(h.call("GET", "/api/v1/namespaces/guest/actions", null, credentials).statusCode())
        .as("the new key sees only its own namespace")
        .isEqualTo(403);
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

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> h.call("GET", "/api/v1/namespaces", null, credentials).statusCode() == 200);
    assertThat(Harness.json(h.call("GET", "/api/v1/namespaces", null, credentials)).get(0).asText())
        .isEqualTo("deployed");
    assertThat(
            admin("namespace", "list")
                .out()
                .lines()
                .filter(l -> l.startsWith("deployed\t"))
                .findFirst()
                .orElseThrow())
        .as("registering again keeps the limit")
        .endsWith("concurrentInvocations=9");
    assertThat(admin("namespace", "register", "deployed", "no-colon").status()).isEqualTo(1);
  }

  @Test
  void aBadCommandPrintsTheUsageAndExitsWithTwo() {
    Run bad = admin("namespace", "remove", "x");
    assertThat(bad.status()).isEqualTo(2);
    assertThat(bad.err()).contains("Unmatched argument", "Did you mean: namespace create");
    Run zero = admin("namespace", "limit", "guest", "zero");
    assertThat(zero.status()).isEqualTo(2);
    assertThat(zero.err())
        .contains("the limit must be a positive integer or 'default', got zero", "Usage:");
    assertThat(admin().status()).as("no command").isEqualTo(2);
    Run help = admin("namespace", "register", "--help");
    assertThat(help.status()).isZero();
    assertThat(help.out()).contains("<uuid:key>");
    assertThat(admin("namespace", "limit", "nobody", "3").err()).contains("nobody does not exist");
  }

  @Test
  void
      limitsSetGivesANamespaceItsOwnInvocationsPerMinuteWhichTheLimitsDocumentShowsAndDeleteRemoves()
          throws Exception {
    assertThat(
            h.createAction("minute", Harness.nodeAction("function main() { return {}; }"))
                .statusCode())
        .isEqualTo(200);
    assertThat(
            Harness.json(h.call("GET", "/api/v1/namespaces/_/limits", null))
                .has("invocationsPerMinute"))
        .as("this harness turns the default off")
        .isFalse();

    Run set =
        admin(
            "limits",
            "set",
            "guest",
            "--invocationsPerMinute",
            "3",
            "--concurrentInvocations",
            "50");
    assertThat(set.status()).as(set.err()).isZero();
    assertThat(set.out()).contains("concurrentInvocations=50", "invocationsPerMinute=3");
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                Harness.json(h.call("GET", "/api/v1/namespaces/_/limits", null))
                        .path("invocationsPerMinute")
                        .asInt()
                    == 3);
    assertThat(
            Harness.json(h.call("GET", "/api/v1/namespaces/_/limits", null))
                .path("concurrentInvocations")
                .asInt())
        .isEqualTo(50);
    assertThat(admin("limits", "get", "guest").out()).contains("invocationsPerMinute=3");

    int accepted = 0;
    HttpResponse<String> refused = null;
    for (int i = 0; i < 10 && refused == null; i++) {
      HttpResponse<String> r = h.call("POST", "/api/v1/namespaces/_/actions/minute", "{}");
      if (r.statusCode() == 202) accepted++;
      else refused = r;
    }
    assertThat(refused).isNotNull();
    assertThat(refused.statusCode()).isEqualTo(429);
    assertThat(Harness.json(refused).path("error").asText()).contains("allowed: 3");
    assertThat(Harness.json(refused).path("code").asText()).isNotEmpty();
    assertThat(accepted).as("what the minute allowed (less at a minute's turn)").isBetween(1, 3);

    Run deleted = admin("limits", "delete", "guest");
    assertThat(deleted.status()).as(deleted.err()).isZero();
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                !Harness.json(h.call("GET", "/api/v1/namespaces/_/limits", null))
                    .has("invocationsPerMinute"));
    assertThat(h.call("POST", "/api/v1/namespaces/_/actions/minute", "{}").statusCode())
        .isEqualTo(202);
    assertThat(admin("limits", "get", "guest").out())
        .as("the admin's own configuration's default")
        .contains("invocationsPerMinute=120 (default)");
  }

  @Test
  void limitsSetNeedsAPositiveLimitAndAnExistingNamespace() {
    Run none = admin("limits", "set", "guest");
    assertThat(none.status()).isEqualTo(2);
    assertThat(none.err())
        .contains("give at least one of --invocationsPerMinute and --concurrentInvocations");
    Run zero = admin("limits", "set", "guest", "--invocationsPerMinute", "0");
    assertThat(zero.status()).isEqualTo(2);
    assertThat(zero.err()).contains("--invocationsPerMinute must be a positive integer, got 0");
    Run nobody = admin("limits", "set", "nobody", "--invocationsPerMinute", "5");
    assertThat(nobody.status()).isEqualTo(1);
    assertThat(nobody.err()).contains("nobody does not exist");
  }
}
