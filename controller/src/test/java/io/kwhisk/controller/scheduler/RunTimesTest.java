package io.kwhisk.controller.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RunTimesTest {
  @Test
  void anActionWithNoCompletedRunHasNoTypicalRun() {
    assertThat(new RunTimes().typical("guest/a")).isEqualTo(RunTimes.UNKNOWN);
  }

  @Test
  void theFirstRunIsTheTypicalRunAndLaterRunsMoveItByAFifth() {
    RunTimes times = new RunTimes();
    times.completed("guest/a", 10);
    assertThat(times.typical("guest/a")).isEqualTo(10.0);
    times.completed("guest/a", 20);
    assertThat(times.typical("guest/a")).isCloseTo(12.0, within(1e-9));
  }

  @Test
  void oneSlowRunMovesTheTypicalRunOfAShortActionAtMostSixtyPercent() {
    RunTimes times = new RunTimes();
    times.completed("guest/a", 1);
    times.completed("guest/a", 500);
    assertThat(times.typical("guest/a")).isCloseTo(1.6, within(1e-9));
  }

  @Test
  void runsThatAreNotRunsAreIgnoredAndAnUpdatedActionStartsOver() {
    RunTimes times = new RunTimes();
    times.completed("guest/a", -1);
    assertThat(times.typical("guest/a")).isEqualTo(RunTimes.UNKNOWN);
    times.completed("guest/a", 3);
    times.forget("guest/a");
    assertThat(times.typical("guest/a")).isEqualTo(RunTimes.UNKNOWN);
  }
}
