package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AdmissionPolicyTest {
  static final AdmissionSettings SETTINGS =
      new AdmissionSettings(
          100,
          4,
          16,
          Duration.ofSeconds(10),
          Duration.ofSeconds(1),
          Duration.ofSeconds(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(60));

  @Test
  void theAllowedBacklogIsFourPerSlotTheActionHasOrMayGet() {
    assertThat(AdmissionPolicy.allowedBacklog(10, 1, 0, SETTINGS)).isEqualTo(40);
    assertThat(AdmissionPolicy.allowedBacklog(10, 5, 0, SETTINGS)).isEqualTo(200);
  }

  @Test
  void anActionWithoutCapacityStillTakesTheMinimumBacklog() {
    assertThat(AdmissionPolicy.allowedBacklog(0, 1, 0, SETTINGS)).isEqualTo(16);
    assertThat(AdmissionPolicy.allowedBacklog(2, 1, 0, SETTINGS)).isEqualTo(16);
  }

  @Test
  void aFastDrainingActionMayQueueMaxQueueDelayOfItsDrainRate() {
    assertThat(AdmissionPolicy.allowedBacklog(10, 1, 100, SETTINGS)).isEqualTo(1000);
    assertThat(AdmissionPolicy.allowedBacklog(10, 1, 1, SETTINGS)).isEqualTo(40);
  }

  @Test
  void retryAfterIsTheTimeToDrainBackUnderTheLimit() {
    assertThat(AdmissionPolicy.retryAfterSeconds(40, 40, 0.5, Duration.ofSeconds(30))).isEqualTo(2);
    assertThat(AdmissionPolicy.retryAfterSeconds(59, 40, 4, Duration.ofSeconds(30))).isEqualTo(5);
  }

  @Test
  void retryAfterIsAtLeastOneSecondAndAtMostTheCeiling() {
    assertThat(AdmissionPolicy.retryAfterSeconds(40, 40, 1000, Duration.ofSeconds(30)))
        .isEqualTo(1);
    assertThat(AdmissionPolicy.retryAfterSeconds(4000, 40, 1, Duration.ofSeconds(30)))
        .isEqualTo(30);
  }

  @Test
  void retryAfterWithoutAnyObservedDrainIsTheCeiling() {
    assertThat(AdmissionPolicy.retryAfterSeconds(41, 40, 0, Duration.ofSeconds(30))).isEqualTo(30);
  }
}
