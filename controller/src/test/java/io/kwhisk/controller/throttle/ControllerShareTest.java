package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Several controllers split each namespace's concurrency limit so that together they never exceed
 * it.
 */
class ControllerShareTest {
  static AdmissionSettings settings(int controllers, int index) {
    return AdmissionSettings.from(
        ConfigSource.of(
            Map.of(
                AdmissionSettings.NAMESPACE_CONCURRENCY,
                "10",
                AdmissionSettings.MIN_BACKLOG,
                "1000",
                AdmissionSettings.CONTROLLERS,
                String.valueOf(controllers),
                AdmissionSettings.CONTROLLER_ID,
                String.valueOf(index))));
  }

  static Admission admission(AdmissionSettings s) {
    return new Admission(s, new ManualClock(), a -> 1, ns -> s.namespaceConcurrency());
  }

  @Test
  @Timeout(10)
  void theControllersSharesOfALimitAddUpToItAndDifferByOneAtMost() {
    for (int n = 1; n <= 5; n++) {
      for (int limit = 0; limit <= 40; limit++) {
        List<Integer> shares = new ArrayList<>();
        for (int i = 0; i < n; i++) shares.add(settings(n, i).share(limit));
        assertThat(shares.stream().mapToInt(Integer::intValue).sum())
            .as("%d controllers, limit %d", n, limit)
            .isEqualTo(limit);
        assertThat(
                shares.stream().mapToInt(Integer::intValue).max().orElseThrow()
                    - shares.stream().mapToInt(Integer::intValue).min().orElseThrow())
            .isLessThanOrEqualTo(1);
      }
    }
    assertThat(settings(2, 0).share(7)).isEqualTo(4);
    assertThat(settings(2, 1).share(7)).isEqualTo(3);
  }

  @Test
  @Timeout(10)
  void twoControllersTogetherAdmitNoMoreThanTheNamespaceLimitInFlight() {
    Admission first = admission(settings(2, 0));
    Admission second = admission(settings(2, 1));
    Action action = AdmissionTest.action("hello");
    int admitted = 0;
    for (int i = 0; i < 30; i++) {
      if (first.admit("a" + i, action).isEmpty()) admitted++;
      if (second.admit("b" + i, action).isEmpty()) admitted++;
    }
    assertThat(admitted).isEqualTo(10);
    assertThat(first.admit("a-more", action))
        .hasValueSatisfying(
            r -> assertThat(r.limit()).isEqualTo(Rejection.Limit.NAMESPACE_CONCURRENCY));

    second.completed("b0");
    assertThat(second.admit("b-after", action))
        .as("a completion frees a place at its controller")
        .isEmpty();
    assertThat(first.admit("a-after", action)).isPresent();
  }

  @Test
  @Timeout(10)
  void theOnlyControllerHasTheWholeLimitWhateverItsId() {
    AdmissionSettings alone =
        AdmissionSettings.from(ConfigSource.of(Map.of(AdmissionSettings.CONTROLLER_ID, "7")));
    assertThat(alone.share(100)).isEqualTo(100);
  }

  @Test
  @Timeout(10)
  void aControllerIdThatHasNoShareIsRefusedAtStartUp() {
    assertThatThrownBy(() -> settings(2, 2))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.controller.id")
        .hasMessageContaining(AdmissionSettings.CONTROLLERS);
    assertThatThrownBy(() -> settings(0, 0))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AdmissionSettings.CONTROLLERS);
  }
}
