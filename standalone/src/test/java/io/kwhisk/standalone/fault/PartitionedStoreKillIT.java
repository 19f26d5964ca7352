package io.kwhisk.standalone.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGKILL of a controller of the partitioned activation store: two controllers and an invoker as
 * separate processes, {@code activation-store=partitioned}. Controller 0 accepts activations (half
 * blocking) and stores their records, and only it does (controller 1's own store has none of them);
 * then it is killed, without leaving the store's group. Every activation it accepted must become
 * readable from controller 1, which answers 503 meanwhile (its forwarded reads find no peer, then
 * it copies the adopted topic), never 404: controller 1 adopts controller 0's completions topic
 * once the group's session timeout ({@code kwhisk.controller.activation-store-session-timeout}, 10
 * s by default) expires. The time from the kill to controller 1 answering every record is logged (a
 * measurement, no threshold).
 */
class PartitionedStoreKillIT {
  private static final int ACTIVATIONS = Integer.getInteger("kwhisk.fault.activations", 20);
  private static final String SESSION_TIMEOUT =
      System.getProperty("kwhisk.fault.store-session-timeout", "10s");
  private static final String RECORDS = "/api/v1/namespaces/_/activations/";

  @TempDir Path dir;

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void everyActivationAKilledControllerAcceptedBecomesReadableFromTheOtherNeverNotFound()
      throws Exception {
    int invokerId = 300 + ThreadLocalRandom.current().nextInt(600);
    try (ProcessCluster cluster = new ProcessCluster(dir)) {
      cluster.registerGuest();
      FaultApi api = new FaultApi(cluster.credentials);
      Map<String, String> settings =
          ProcessCluster.plus(
              ProcessCluster.UNTHROTTLED,
              "kwhisk.controller.throttle.controllers",
              "2",
              "kwhisk.controller.activation-store",
              "partitioned",
              "kwhisk.controller.activation-store-session-timeout",
              SESSION_TIMEOUT);
      ProcessCluster.Node victim = cluster.controller(0, settings);
      ProcessCluster.Node survivor = cluster.controller(1, settings);
      cluster.invoker(invokerId, ProcessCluster.faultInvoker(1024, "60s"));
      try {
        List<String> actions = api.echoActions(victim, 1);
        Ledger ledger = new Ledger();
        List<CompletableFuture<Void>> calls = new ArrayList<>();
        for (int i = 0; i < ACTIVATIONS; i++)
          calls.add(api.invoke(victim, ledger, actions.get(0), i % 2 == 0));
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        List<String> ids = List.copyOf(ledger.accepted.keySet());
        assertThat(ids).as("statuses %s", ledger.statuses).hasSize(ACTIVATIONS);
        await()
            .atMost(Duration.ofSeconds(60))
            .alias("controller 0 stores every record it accepted")
            .until(() -> allLocal(api, victim, ids, 200));
        assertThat(allLocal(api, survivor, ids, 404))
            .as("stored once: controller 1's own store holds none of them")
            .isTrue();

        long killed = System.nanoTime();
        victim.kill();
        long killedAt = System.currentTimeMillis();
        Map<Integer, Integer> statuses = new TreeMap<>();
        Map<String, Long> firstRead = new HashMap<>();
        long firstAnswer = -1;
        while (firstRead.size() < ids.size()
            && System.nanoTime() - killed < TimeUnit.SECONDS.toNanos(120)) {
          for (String id : ids) {
            if (firstRead.containsKey(id)) continue;
            int status = api.call(survivor, "GET", RECORDS + id, null).statusCode();
            statuses.merge(status, 1, Integer::sum);
            if (status == 200) {
              long ms = (System.nanoTime() - killed) / 1_000_000;
              firstRead.put(id, ms);
              if (firstAnswer < 0) firstAnswer = ms;
            }
          }
          if (firstRead.size() < ids.size()) Thread.sleep(100); // polls the API; decides no outcome
        }
        long all = firstRead.values().stream().mapToLong(Long::longValue).max().orElse(-1);
        Ledger.Outcome outcome = api.check(survivor, ledger, actions, killedAt, false);
        System.out.printf(
            "PartitionedStoreKillIT: %d activations accepted by controller 0 (statuses %s), SIGKILLed;"
                + " session timeout %s; controller 1 answered the first of them %d ms after the"
                + " kill, all %d ms after it; its answers meanwhile %s; %s%n",
            ids.size(), ledger.statuses, SESSION_TIMEOUT, firstAnswer, all, statuses, outcome);
        assertThat(firstRead).as("readable from controller 1").hasSize(ids.size());
        assertThat(statuses.keySet())
            .as("only 503 before the record, never a false 404")
            .containsOnly(200, 503);
        outcome.assertNoneLostWrongOrDuplicated();
      } finally {
        FaultApi.removeContainers(invokerId);
      }
    }
  }

  /** True when {@code controller}'s own store answers {@code status} for every id. */
  private static boolean allLocal(
      FaultApi api, ProcessCluster.Node controller, List<String> ids, int status) throws Exception {
    for (String id : ids)
      if (api.getLocal(controller, RECORDS + id).statusCode() != status) return false;
    return true;
  }
}
