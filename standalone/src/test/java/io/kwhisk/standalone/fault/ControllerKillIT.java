package io.kwhisk.standalone.fault;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of one of two controllers under load, with the accepted-versus-recorded ledger: two
 * controllers and an invoker run as separate processes; open-loop load (half blocking) alternates
 * between the controllers, and a third of the way in one is killed, after which the load goes to
 * the other only (as a load balancer would send it). The actions take 0.5-1 s, so blocking callers
 * of the killed controller are waiting when it dies: they get an error (no answer), while their
 * activations, already in Kafka, still run and their records are readable from the other
 * controller, which follows every controller's completion topic. Every activation the API accepted,
 * by either controller, must end with exactly one record readable from the survivor whose result
 * echoes its input.
 */
class ControllerKillIT {
  private static final int TPS = Integer.getInteger("kwhisk.fault.tps", 8);
  private static final int SECONDS = Integer.getInteger("kwhisk.fault.seconds", 12);
  private static final String SLOW_ECHO =
      "function main(p) { return new Promise(r => setTimeout(() => r({tag: p.tag}), 500 + Math.floor(Math.random() * 500))); }";

  @TempDir Path dir;

  @Test
  @Timeout(value = 600, unit = TimeUnit.SECONDS)
  void
      killingAControllerUnderLoadLosesNoAcceptedActivationAndItsBlockingCallsCompleteReadableFromTheOther()
          throws Exception {
    int invokerId = 300 + ThreadLocalRandom.current().nextInt(600);
    try (ProcessCluster cluster = new ProcessCluster(dir)) {
      cluster.registerGuest();
      FaultApi api = new FaultApi(cluster.credentials);
      Map<String, String> controllerSettings =
          ProcessCluster.plus(
              ProcessCluster.UNTHROTTLED, "kwhisk.controller.throttle.controllers", "2");
      ProcessCluster.Node victim = cluster.controller(0, controllerSettings);
      ProcessCluster.Node survivor = cluster.controller(1, controllerSettings);
      cluster.invoker(invokerId, ProcessCluster.faultInvoker(2048, "60s"));
      try {
        List<String> actions = List.of("slow-0", "slow-1");
        for (String action : actions) api.putAction(survivor, action, SLOW_ECHO);
        for (String action : actions) api.warm(survivor, action);

        Ledger ledger = new Ledger();
        int total = TPS * SECONDS;
        long[] killAt = {0};
        FaultApi.openLoop(
            TPS,
            SECONDS,
            i -> {
              ProcessCluster.Node to = killAt[0] == 0 && i % 2 == 0 ? victim : survivor;
              return api.invoke(to, ledger, actions.get(i / 2 % actions.size()), i % 4 < 2);
            },
            Map.of(
                total / 3,
                () -> {
                  victim.kill();
                  killAt[0] = System.currentTimeMillis();
                }));

        Ledger.Outcome outcome = api.check(survivor, ledger, actions, killAt[0], false);
        // The blocking calls the killed controller never answered: their records, found by input on
        // the survivor.
        Set<String> unanswered = new HashSet<>(ledger.unanswered);
        int unansweredRecorded = 0;
        for (String action : actions) {
          for (JsonNode r : api.list(survivor, action, true)) {
            if (unanswered.contains(r.at("/response/result/tag").asText())) unansweredRecorded++;
          }
        }
        System.out.printf(
            "ControllerKillIT: %d TPS for %d s, controller 0 killed at %d s: %s; calls left unanswered "
                + "by the kill %d, of which %d ran and are readable from controller 1; HTTP statuses %s "
                + "(first refusals %s)%n",
            TPS,
            SECONDS,
            SECONDS / 3,
            outcome,
            unanswered.size(),
            unansweredRecorded,
            ledger.statuses,
            ledger.firstRefusals);
        assertThat(outcome.accepted()).isPositive();
        outcome.assertNoneLostWrongOrDuplicated();
        assertThat(unanswered)
            .as("blocking calls waiting on the killed controller got an error")
            .isNotEmpty();
        assertThat(unansweredRecorded)
            .as("unanswered calls whose activation completed, read from the other controller")
            .isPositive();
      } finally {
        FaultApi.removeContainers(invokerId);
      }
    }
  }
}
