package io.kwhisk.invoker.pool;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.message.ContainerCreation;
import io.kwhisk.common.message.ContainerDeletion;
import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class PoolStateTest {
  private static ContainerCreation creation(String name, String revision, int memory) {
    Action action = new Action("guest", name, revision, null, new Exec("nodejs:20", "x", null, false, null), null,
        null, new ActionLimits(1000, memory, 10, 1), 0, false, 0);
    return new ContainerCreation("c-" + name, action, 0, 0);
  }

  @Test
  void aCreationReservesItsMemoryUntilTheContainerIsRemoved() {
    PoolState s = PoolState.empty(1024).admit("p1", creation("a", "r1", 256)).orElseThrow();
    assertThat(s.freeMb()).isEqualTo(768);
    assertThat(s.removed("p1").freeMb()).isEqualTo(1024);
  }

  @Test
  void aCreationThatDoesNotFitIsRefused() {
    PoolState s = PoolState.empty(512).admit("p1", creation("a", "r1", 512)).orElseThrow();
    assertThat(s.admit("p2", creation("b", "r1", 128))).isEmpty();
  }

  @Test
  void theHeartbeatCountsContainersPerActionAndCreationsInFlight() {
    PoolState s = PoolState.empty(2048)
        .admit("p1", creation("a", "r1", 256)).orElseThrow()
        .admit("p2", creation("a", "r1", 256)).orElseThrow()
        .admit("p3", creation("b", "r1", 128)).orElseThrow()
        .ready("p1");
    InvokerHeartbeat hb = s.heartbeat(3, 42);
    assertThat(hb.invokerId()).isEqualTo(3);
    assertThat(hb.userMemoryMb()).isEqualTo(2048);
    assertThat(hb.freeMemoryMb()).isEqualTo(2048 - 640);
    assertThat(hb.containers()).isEqualTo(3);
    assertThat(hb.containersByAction()).isEqualTo(Map.of("guest/a", 2, "guest/b", 1));
    assertThat(hb.creationsInFlight()).isEqualTo(2);
    assertThat(hb.timestamp()).isEqualTo(42);
  }

  @Test
  void aDeletionRetiresEveryContainerOfTheActionOrOnlyThoseOfOtherRevisions() {
    PoolState s = PoolState.empty(2048)
        .admit("p1", creation("a", "r1", 256)).orElseThrow()
        .admit("p2", creation("a", "r2", 256)).orElseThrow()
        .admit("p3", creation("b", "r1", 256)).orElseThrow();
    assertThat(s.retiredBy(new ContainerDeletion("guest", "a", null))).containsExactlyInAnyOrder("p1", "p2");
    assertThat(s.retiredBy(new ContainerDeletion("guest", "a", "r2"))).containsExactly("p1");
  }
}
