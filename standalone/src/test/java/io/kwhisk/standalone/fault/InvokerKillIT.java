package io.kwhisk.standalone.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of an invoker JVM under load, with an accepted-versus-recorded ledger: a controller and
 * two invokers run as separate processes; open-loop load (half blocking) goes to a few echo
 * actions, and one invoker is killed a third of the way in. Every activation the API accepted (200
 * or 202) must end with exactly one record, readable through the API, whose result echoes its
 * input: the killed invoker's records are redelivered to containers on the other (their locks
 * expire), its containers are orphaned until an invoker with its id starts again and removes them.
 *
 * <p>The CI case is short; the long one is {@code -Dkwhisk.fault.tps=200 -Dkwhisk.fault.seconds=60}
 * (see CONTRIBUTING.md). It prints the ledger and how long after the kill the last activation
 * accepted before it completed.
 */
class InvokerKillIT {
  private static final int TPS = Integer.getInteger("kwhisk.fault.tps", 30);
  private static final int SECONDS = Integer.getInteger("kwhisk.fault.seconds", 12);
  private static final int ACTIONS = Integer.getInteger("kwhisk.fault.actions", 2);

  @TempDir Path dir;

  @Test
  @Timeout(value = 900, unit = TimeUnit.SECONDS)
  void killingAnInvokerUnderLoadLosesNoAcceptedActivationAndEachEndsWithOneRecordOfItsInput()
      throws Exception {
    int base = 300 + ThreadLocalRandom.current().nextInt(600);
    try (ProcessCluster cluster = new ProcessCluster(dir)) {
      cluster.registerGuest();
      FaultApi api = new FaultApi(cluster.credentials);
      ProcessCluster.Node controller = cluster.controller(0, ProcessCluster.UNTHROTTLED);
      Map<String, String> invokerSettings = ProcessCluster.faultInvoker(1024, "60s");
      ProcessCluster.Node victim = cluster.invoker(base, invokerSettings);
      cluster.invoker(base + 1, invokerSettings);
      try {
        List<String> actions = IntStream.range(0, ACTIONS).mapToObj(a -> "echo-" + a).toList();
        for (String action : actions) api.putAction(controller, action, FaultApi.ECHO);
        for (String action : actions)
          api.warm(controller, action); // a container of each on some invoker

        Ledger ledger = new Ledger();
        long[] killAt = {0};
        int total = TPS * SECONDS;
        FaultApi.openLoop(
            TPS,
            SECONDS,
            i -> api.invoke(controller, ledger, actions.get(i % ACTIONS), i % 2 == 0),
            Map.of(
                total / 3,
                () -> {
                  victim.kill();
                  killAt[0] = System.currentTimeMillis();
                }));

        Ledger.Outcome outcome = api.check(controller, ledger, actions, killAt[0], false);
        System.out.printf(
            "InvokerKillIT: %d TPS for %d s over %d actions, invoker %d killed at %d s: %s; "
                + "HTTP statuses %s; refused %d, failed calls %d %s%n",
            TPS,
            SECONDS,
            ACTIONS,
            base,
            SECONDS / 3,
            outcome,
            ledger.statuses,
            ledger.refused.get(),
            ledger.failedCalls.get(),
            ledger.failures);
        assertThat(outcome.accepted()).isPositive();
        outcome.assertNoneLostWrongOrDuplicated();
        assertThat(outcome.unlisted()).as("unlisted").isZero();

        // The killed invoker's containers are orphans until an invoker with its id starts and
        // removes them. Only those: the new invoker may have containers of its own by then (the
        // scheduler places work and pre-warms on it).
        List<String> orphans = FaultApi.containersOf(base);
        long restartedAt = System.currentTimeMillis();
        cluster.invoker(base, invokerSettings);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> Collections.disjoint(orphans, FaultApi.containersOf(base)));
        System.out.printf(
            "InvokerKillIT: the %d containers orphaned by the kill were gone %d ms after the "
                + "invoker's restart began (it has %d of its own)%n",
            orphans.size(),
            System.currentTimeMillis() - restartedAt,
            FaultApi.containersOf(base).size());
      } finally {
        FaultApi.removeContainers(base);
        FaultApi.removeContainers(base + 1);
      }
    }
  }
}
