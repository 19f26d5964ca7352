package io.kwhisk.invoker.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class SlotsTest {
  private static long offset;

  private static Delivery delivery(String activationId) {
    return new Delivery(0, "actions", 0, offset++, 1, message(activationId));
  }

  private static ActivationMessage message(String activationId) {
    return new ActivationMessage(
        activationId, "tx", "guest", "echo", "r1", "guest", Json.object(), false, 0, 0);
  }

  @Test
  void anActivationRunsWhileASlotIsFreeAndWaitsOtherwise() {
    Delivery a1 = delivery("a1");
    Delivery a2 = delivery("a2");
    Slots.Taken first = Slots.of(1).offer(a1);
    assertThat(first.deliveries()).containsExactly(a1);
    assertThat(first.slots().running()).isEqualTo(1);

    Slots.Taken second = first.slots().offer(a2);
    assertThat(second.deliveries()).as("no slot: it waits").isEmpty();
    assertThat(second.slots().waiting()).containsExactly(a2);

    Slots.Taken filled = second.slots().ended().fill();
    assertThat(filled.deliveries())
        .as("the freed slot runs the one that waited")
        .containsExactly(a2);
    assertThat(filled.slots().running()).isEqualTo(1);
    assertThat(filled.slots().waiting()).isEmpty();
  }

  @Test
  void heldActivationsWaitWhateverTheFreeSlotsAndRunInPullOrderUpToTheLimit() {
    Delivery a1 = delivery("a1");
    Delivery a2 = delivery("a2");
    Delivery a3 = delivery("a3");
    Slots held = Slots.of(2).hold(a1).hold(a2).hold(a3);
    assertThat(held.running()).isZero();

    Slots.Taken filled = held.fill();
    assertThat(filled.deliveries()).containsExactly(a1, a2);
    assertThat(filled.slots().waiting()).containsExactly(a3);
    assertThat(filled.slots().fill().deliveries()).as("both slots taken").isEmpty();
  }

  @Test
  void waitingActivationsAreTakenOutFirstOrAllTogether() {
    Delivery a1 = delivery("a1");
    Delivery a2 = delivery("a2");
    Slots held = Slots.of(1).hold(a1).hold(a2);

    Slots.Taken first = held.takeFirst();
    assertThat(first.deliveries()).containsExactly(a1);
    assertThat(first.slots().waiting()).containsExactly(a2);

    Slots.Taken all = held.takeAll();
    assertThat(all.deliveries()).containsExactly(a1, a2);
    assertThat(all.slots().waiting()).isEmpty();
    assertThat(all.slots().takeFirst().deliveries()).isEmpty();
  }

  @Test
  void aContainerHasAtLeastOneSlot() {
    assertThatThrownBy(() -> Slots.of(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("concurrency");
  }
}
