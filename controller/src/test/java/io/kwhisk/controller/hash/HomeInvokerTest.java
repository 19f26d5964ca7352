package io.kwhisk.controller.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.controller.scheduler.InvokerState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HomeInvokerTest {
  static InvokerState invoker(int id, long freeMb, long idleMb) {
    return new InvokerState(
        id, new InvokerHeartbeat(id, 4096, freeMb, 0, Map.of(), 0, 0, idleMb), 0);
  }

  static List<InvokerState> roomy(int... ids) {
    List<InvokerState> out = new ArrayList<>();
    for (int id : ids) out.add(invoker(id, 4096, 0));
    return out;
  }

  @Test
  void anActionAlwaysGoesToTheSameHomeWhateverTheOrderInvokersAreListedIn() {
    int home = HomeInvoker.choose("guest", "hello", 256, roomy(1, 2, 3, 4)).getAsInt();
    for (int i = 0; i < 10; i++) {
      assertThat(HomeInvoker.choose("guest", "hello", 256, roomy(4, 3, 2, 1)).getAsInt())
          .isEqualTo(home);
      assertThat(HomeInvoker.choose("guest", "hello", 256, roomy(2, 4, 1, 3)).getAsInt())
          .isEqualTo(home);
    }
  }

  @Test
  void theHomeIsTheHashIndexIntoTheSortedInvokerIds() {
    int index = HomeInvoker.homeIndex("guest", "hello", 3);
    assertThat(HomeInvoker.choose("guest", "hello", 256, roomy(30, 10, 20)).getAsInt())
        .isEqualTo(List.of(10, 20, 30).get(index));
  }

  @Test
  void manyActionsSpreadOverEveryInvoker() {
    Set<Integer> homes = new HashSet<>();
    for (int a = 0; a < 100; a++)
      homes.add(HomeInvoker.choose("guest", "action-" + a, 256, roomy(0, 1, 2, 3)).getAsInt());
    assertThat(homes).containsExactlyInAnyOrder(0, 1, 2, 3);
  }

  @Test
  void aFullHomeStepsToTheNextInvokerInIdOrder() {
    List<Integer> ids = List.of(0, 1, 2, 3);
    int index = HomeInvoker.homeIndex("guest", "hello", 4);
    int home = ids.get(index);
    int next = ids.get((index + 1) % 4);
    List<InvokerState> cluster = new ArrayList<>();
    for (int id : ids) cluster.add(id == home ? invoker(id, 128, 0) : invoker(id, 4096, 0));
    assertThat(HomeInvoker.choose("guest", "hello", 256, cluster).getAsInt()).isEqualTo(next);
  }

  @Test
  void idleMemoryTheHomeCanEvictCountsAsRoom() {
    List<Integer> ids = List.of(0, 1);
    int home = ids.get(HomeInvoker.homeIndex("guest", "hello", 2));
    List<InvokerState> cluster = List.of(invoker(home, 0, 256), invoker(1 - home, 4096, 0));
    assertThat(HomeInvoker.choose("guest", "hello", 256, cluster).getAsInt()).isEqualTo(home);
  }

  @Test
  void whenNoInvokerHasRoomTheHomeGetsTheActivationToQueue() {
    List<Integer> ids = List.of(0, 1, 2);
    int home = ids.get(HomeInvoker.homeIndex("guest", "hello", 3));
    List<InvokerState> full = List.of(invoker(0, 0, 0), invoker(1, 100, 0), invoker(2, 0, 128));
    assertThat(HomeInvoker.choose("guest", "hello", 256, full).getAsInt()).isEqualTo(home);
  }

  @Test
  void withoutHealthyInvokersThereIsNoHome() {
    assertThat(HomeInvoker.choose("guest", "hello", 256, List.of())).isEmpty();
  }
}
