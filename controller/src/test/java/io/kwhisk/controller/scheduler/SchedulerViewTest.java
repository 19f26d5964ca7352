package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.message.InvokerHeartbeat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class SchedulerViewTest {
  static InvokerState invoker(int id, long freeMb, Map<String, Integer> containers) {
    return new InvokerState(id, new InvokerHeartbeat(id, 4096, freeMb, 0, containers, 0, 0), 0);
  }

  @Test
  void potentialContainersCountWhatRunsAndWhatFreeMemoryCouldStillHold() {
    SchedulerView view =
        new SchedulerView(
            Map.of(
                1, invoker(1, 1024, Map.of("guest/a", 2)),
                2, invoker(2, 600, Map.of())),
            List.of());
    assertThat(view.potentialContainers("guest/a", 256, 64)).as("2 running + 4 + 2").isEqualTo(8);
  }

  @Test
  void potentialContainersNeverExceedTheActionsInstances() {
    SchedulerView view = new SchedulerView(Map.of(1, invoker(1, 4096, Map.of())), List.of());
    assertThat(view.potentialContainers("guest/a", 256, 3)).isEqualTo(3);
  }

  @Test
  void creationsInFlightCountAsContainersAndTakeTheirMemory() {
    SchedulerView view =
        new SchedulerView(
            Map.of(1, invoker(1, 512, Map.of())),
            List.of(new CreationInFlight("c1", 1, "guest/a", 256, 0, 0)));
    assertThat(view.potentialContainers("guest/a", 256, 64))
        .as("1 starting + 1 more in the 256 MB left")
        .isEqualTo(2);
  }
}
