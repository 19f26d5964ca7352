package io.kwhisk.invoker;

import static io.kwhisk.invoker.ControllerDouble.docker;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.common.message.CompletionMessage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Action containers are confined as {@code kwhisk.invoker.container.*} says, on the real engine
 * with kwhisk's Node.js runtime image: what {@code docker inspect} shows, what an action sees from
 * inside, and a fork bomb that stops at the pids limit while a neighbour keeps serving.
 */
class ContainerHardeningIT {
  private static final int INVOKER_ID = 63;
  private static final int PIDS_LIMIT = 64;

  private static ControllerDouble controller;
  private static Invoker invoker;

  @BeforeAll
  static void start() throws Exception {
    controller = ControllerDouble.start();
    invoker =
        Invoker.start(
            InvokerConfig.from(
                ConfigSource.of(
                    Map.of(
                        "kwhisk.kafka.bootstrap-servers", controller.bootstrapServers(),
                        "kwhisk.invoker.id", Integer.toString(INVOKER_ID),
                        "kwhisk.invoker.keep-alive", "60s",
                        "kwhisk.invoker.prefetch", "1",
                        "kwhisk.invoker.pause-grace", "0",
                        "kwhisk.invoker.heartbeat-interval", "500ms",
                        "kwhisk.invoker.container.pids-limit", Integer.toString(PIDS_LIMIT),
                        "kwhisk.invoker.container.tmp-size-mb", "16",
                        // The runtime images' tags are shared with other checkouts that may have
                        // built them from older sources
                        // (as root): the setting makes the user this test checks independent of
                        // which build is there.
                        "kwhisk.invoker.container.user", "10001:10001"))));
  }

  @AfterAll
  static void stop() throws Exception {
    ControllerDouble.shutDown(invoker, controller, INVOKER_ID);
  }

  private static Action action(String prefix, String code) throws Exception {
    return controller.action(
        prefix + "-" + UUID.randomUUID().toString().substring(0, 8), 30_000, 256, code);
  }

  @Test
  @Timeout(120)
  void anActionContainerRunsWithoutCapabilitiesOrPrivilegeGainUnderLimitsOnAReadOnlyRoot()
      throws Exception {
    Action probe =
        action(
            "probe",
            """
        const fs = require('fs');
        function attempt(f) { try { f(); return 'ok'; } catch (e) { return e.code || String(e); } }
        function main() {
          return {
            uid: process.getuid(),
            root: attempt(() => fs.writeFileSync('/kwhisk/x', 'x')),
            etc: attempt(() => fs.writeFileSync('/etc/x', 'x')),
            tmp: attempt(() => fs.writeFileSync('/tmp/x', 'x')),
            bigTmp: attempt(() => fs.writeFileSync('/tmp/big', Buffer.alloc(32 * 1024 * 1024))),
            nofile: require('child_process').execSync('sh -c "ulimit -n"').toString().trim(),
            capEff: fs.readFileSync('/proc/self/status', 'utf8').match(/CapEff:\\s*(\\w+)/)[1],
            noNewPrivs: fs.readFileSync('/proc/self/status', 'utf8').match(/NoNewPrivs:\\s*(\\d)/)[1]
          };
        }""");
    controller.createContainer(INVOKER_ID, probe);
    CompletionMessage done = controller.invoke(probe, Json.object());
    JsonNode seen = done.record().response().result();
    assertThat(seen.get("uid").asInt()).as("kwhisk.invoker.container.user").isEqualTo(10001);
    assertThat(seen.get("root").asText()).isIn("EROFS", "EACCES");
    assertThat(seen.get("etc").asText()).isIn("EROFS", "EACCES");
    assertThat(seen.get("tmp").asText()).isEqualTo("ok");
    assertThat(seen.get("bigTmp").asText()).as("/tmp is a 16 MB tmpfs").isEqualTo("ENOSPC");
    assertThat(seen.get("nofile").asText()).isEqualTo("1024");
    assertThat(seen.get("capEff").asText()).matches("0+");
    assertThat(seen.get("noNewPrivs").asText()).isEqualTo("1");

    String id = done.containerId();
    assertThat(
            docker(
                    "inspect",
                    "-f",
                    "{{json .HostConfig.CapDrop}} {{json .HostConfig.SecurityOpt}} "
                        + "{{.HostConfig.PidsLimit}} {{.HostConfig.CpuShares}} {{.HostConfig.ReadonlyRootfs}} {{json .HostConfig.Tmpfs}} "
                        + "{{json .HostConfig.LogConfig}} {{json .HostConfig.Ulimits}} {{.HostConfig.Privileged}}",
                    id)
                .trim())
        .contains(
            "[\"ALL\"]",
            "[\"no-new-privileges\"]",
            " " + PIDS_LIMIT + " ",
            " 128 ", // 1024 shares * 256 MB / 2048 MB of user memory
            " true ",
            "\"/tmp\":\"rw,nosuid,nodev,size=16m,mode=1777\"",
            "\"Type\":\"json-file\"",
            "\"max-size\":\"32m\"",
            "\"max-file\":\"2\"",
            "\"Hard\":1024,\"Name\":\"nofile\",\"Soft\":1024",
            " false");
  }

  @Test
  @Timeout(180)
  void aForkBombStopsAtThePidsLimitWhileANeighbourKeepsServing() throws Exception {
    Action neighbour = action("neighbour", "function main(p) { return {n: p.n}; }");
    controller.createContainer(INVOKER_ID, neighbour);
    assertThat(
            controller.invoke(neighbour, Json.object().put("n", 0)).record().response().success())
        .isTrue();

    // Every child sleeps, so each holds its pid; the loop forks until the kernel refuses.
    Action bomb =
        action(
            "bomb",
            """
        const cp = require('child_process');
        function main() {
          const r = cp.spawnSync('sh', ['-c',
            'n=0; while [ $n -lt 5000 ]; do sleep 60 >/dev/null 2>&1 & n=$((n+1)); echo $n > /tmp/forked; done'],
            { encoding: 'utf8', timeout: 20000 });
          const forked = Number(require('fs').readFileSync('/tmp/forked', 'utf8'));
          return { forked, stderr: (r.stderr || '').slice(0, 200), spawnError: r.error ? r.error.code : null };
        }""");
    controller.createContainer(INVOKER_ID, bomb);
    CompletionMessage bombed = controller.invoke(bomb, Json.object());
    JsonNode result = bombed.record().response().result();
    assertThat(result.has("forked"))
        .as("the bomb's answer: %s, logs %s", result, bombed.record().logs())
        .isTrue();
    assertThat(result.get("forked").asInt())
        .as("children started: %s", result)
        .isLessThan(PIDS_LIMIT);
    assertThat(result.get("stderr").asText())
        .as("the shell could not fork")
        .containsIgnoringCase("fork");
    assertThat(docker("inspect", "-f", "{{.State.Running}}", bombed.containerId()).trim())
        .isEqualTo("true");

    // The bomb's children still hold every pid it may have; its neighbour does not notice.
    for (int n = 1; n <= 3; n++) {
      CompletionMessage served = controller.invoke(neighbour, Json.object().put("n", n));
      assertThat(served.record().response().statusCode()).isEqualTo(ActivationResponse.SUCCESS);
      assertThat(served.record().response().result().get("n").asInt()).isEqualTo(n);
    }
    List<String> inBomb = ControllerDouble.lines(docker("top", bombed.containerId()));
    assertThat(inBomb.size() - 1)
        .as("processes in the bomb's container")
        .isBetween(PIDS_LIMIT / 2, PIDS_LIMIT);
  }
}
