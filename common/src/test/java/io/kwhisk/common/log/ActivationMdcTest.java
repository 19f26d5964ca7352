package io.kwhisk.common.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.MDC;

@Timeout(5)
class ActivationMdcTest {
  @Test
  void aScopePutsTheKeysWithAValueAndRestoresWhatTheyHeldBefore() {
    MDC.put(ActivationMdc.ACTION, "guest/outer");
    try (ActivationMdc mdc = ActivationMdc.put("a1", "guest/echo", null)) {
      assertThat(MDC.get(ActivationMdc.ACTIVATION_ID)).isEqualTo("a1");
      assertThat(MDC.get(ActivationMdc.ACTION)).isEqualTo("guest/echo");
      assertThat(MDC.get(ActivationMdc.CONTAINER)).as("no value, left out").isNull();
    }
    assertThat(MDC.get(ActivationMdc.ACTIVATION_ID)).isNull();
    assertThat(MDC.get(ActivationMdc.ACTION)).isEqualTo("guest/outer");
    MDC.clear();
  }

  @Test
  void theMapHoldsOnlyTheKeysWithAValue() {
    assertThat(ActivationMdc.of(null, "guest/echo", "kwhisk0_x"))
        .containsOnlyKeys("action", "container");
  }
}
