package io.kwhisk.perf.matrix;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.perf.load.ActionPicker;
import io.kwhisk.perf.load.Scenario;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MatrixPlanTest {
  @Test
  void quickIsSixScenariosOfTenSecondsWarmUpAndTwentyMeasured() {
    List<Scenario> s =
        MatrixPlan.quick().scenarios("kwhisk", ActionPicker.Kind.ROUND_ROBIN, "p", 100);
    assertThat(s).hasSize(6);
    assertThat(s)
        .allSatisfy(
            x -> {
              assertThat(x.warmup()).isEqualTo(Duration.ofSeconds(10));
              assertThat(x.duration()).isEqualTo(Duration.ofSeconds(20));
            });
    assertThat(s.stream().map(x -> x.actions() + "x" + x.users()).collect(Collectors.toList()))
        .containsExactly("1x10", "1x100", "10x10", "10x100", "100x10", "100x100");
  }

  @Test
  void fullGoesToAThousandActionsAndTwoHundredUsers() {
    MatrixPlan full = MatrixPlan.full();
    assertThat(full.scenarios("kwhisk", ActionPicker.Kind.ROUND_ROBIN, "p", 100)).hasSize(12);
    assertThat(full.maxActions()).isEqualTo(1000);
    assertThat(full.users()).containsExactly(10, 100, 200);
  }

  @Test
  void ratesReplaceUsersForAnOpenLoopMatrix() {
    List<Scenario> s =
        MatrixPlan.quick()
            .withRates(List.of(50.0))
            .scenarios("kwhisk", ActionPicker.Kind.UNIFORM, "p", 100);
    assertThat(s).hasSize(3).allSatisfy(x -> assertThat(x.openLoop()).isTrue());
  }

  @Test
  void anUnknownPresetIsNamed() {
    assertThatThrownBy(() -> MatrixPlan.preset("huge")).hasMessageContaining("quick or full");
  }
}
