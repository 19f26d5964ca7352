package io.kwhisk.controller.trigger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class CronTest {
  static long at(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  static String next(String cron, String after) {
    return Instant.ofEpochMilli(Cron.parse(cron).next(at(after))).toString();
  }

  @Test
  void fiveFieldsFireOnTheMinuteAndSixOnTheSecond() {
    assertThat(next("* * * * *", "2026-12-03T12:00:10.500Z")).isEqualTo("2026-12-03T12:01:00Z");
    assertThat(next("* * * * * *", "2026-12-03T12:00:10.500Z")).isEqualTo("2026-12-03T12:00:11Z");
    assertThat(next("*/15 * * * * *", "2026-12-03T12:00:10Z")).isEqualTo("2026-12-03T12:00:15Z");
    assertThat(next("30 9 * * 1-5", "2026-12-05T10:00:00Z"))
        .as("Saturday: the next weekday is Monday")
        .isEqualTo("2026-12-07T09:30:00Z");
    assertThat(next("0 0 1 1 *", "2026-12-03T00:00:00Z")).isEqualTo("2027-01-01T00:00:00Z");
    assertThat(next("0 0 29 2 *", "2026-03-01T00:00:00Z")).isEqualTo("2028-02-29T00:00:00Z");
  }

  @Test
  void aMalformedExpressionSaysWhichFieldIsWrong() {
    assertThatThrownBy(() -> Cron.parse("* * *")).hasMessageContaining("5 or 6 fields");
    assertThatThrownBy(() -> Cron.parse("61 * * * *")).hasMessageContaining("minutes");
    assertThatThrownBy(() -> Cron.parse("* * * 13 *")).hasMessageContaining("month");
    assertThatThrownBy(() -> Cron.parse("*/0 * * * *")).hasMessageContaining("minutes");
  }
}
