package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A coarse guard on the request-path cost of admission (the precise number comes from {@link
 * AdmissionBenchmark}): the budget is 0.05 ms per request, which a regression to a per-request
 * Kafka call (about 1 ms) would break.
 */
@Timeout(30)
class AdmissionCostTest {
  @Test
  void anAdmissionCheckCostsWellUnderFiftyMicrosecondsAmortised() throws Exception {
    Admission admission =
        new Admission(
            AdmissionSettings.DEFAULT.withNamespacePerMinute(0),
            Clock.systemUTC(),
            a -> 1_000_000,
            ns -> 1_000_000);
    Action[] actions = new Action[100];
    for (int i = 0; i < actions.length; i++) {
      actions[i] =
          new Action(
              "ns" + (i % 10),
              "action" + i,
              "r1",
              "0.0.1",
              new Exec("nodejs:20", "x", null, false, null),
              null,
              null,
              ActionLimits.DEFAULT,
              8,
              false,
              0);
    }
    admission.refresh(names -> Map.of());
    int n = 200_000;
    int admitted = run(admission, actions, n, 0);
    long start = System.nanoTime();
    admitted += run(admission, actions, n, n);
    long perRequest = (System.nanoTime() - start) / n;
    assertThat(admitted).isEqualTo(2 * n);
    assertThat(perRequest).as("nanoseconds per admission check").isLessThan(50_000);
  }

  private static int run(Admission admission, Action[] actions, int n, int offset) {
    int admitted = 0;
    for (int i = 0; i < n; i++) {
      String id = Integer.toString(offset + i);
      if (admission.admit(id, actions[i % actions.length]).isEmpty()) admitted++;
      admission.completed(id);
    }
    return admitted;
  }
}
