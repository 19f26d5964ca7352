package io.kwhisk.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ArgsTest {
  @Test
  void durationsTakeAUnitAndABareNumberIsSeconds() {
    assertThat(Args.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Args.parseDuration("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(Args.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Args.parseDuration("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThatThrownBy(() -> Args.parseDuration("30"))
        .as("a bare number is ambiguous (ms in config)")
        .hasMessageContaining("give a unit");
    assertThatThrownBy(() -> Args.parseDuration("ten")).hasMessageContaining("not a duration");
  }

  @Test
  void valuesFlagsAndListsParseInBothSpellings() {
    Args a =
        Args.parse(
            List.of("--users", "10", "--actions=1,10,100", "--cleanup", "--warmup", "2s"),
            Set.of("users", "actions", "warmup"),
            Set.of("cleanup"));
    assertThat(a.integer("users")).contains(10);
    assertThat(a.integers("actions")).contains(List.of(1, 10, 100));
    assertThat(a.duration("warmup")).contains(Duration.ofSeconds(2));
    assertThat(a.flag("cleanup")).isTrue();
    assertThat(a.string("rate")).isEmpty();
  }

  @Test
  void aMistypedOptionIsRejectedNotIgnored() {
    assertThatThrownBy(() -> Args.parse(List.of("--user", "10"), Set.of("users"), Set.of()))
        .hasMessageContaining("unknown option --user");
    assertThatThrownBy(() -> Args.parse(List.of("--users"), Set.of("users"), Set.of()))
        .hasMessageContaining("--users needs a value");
    assertThatThrownBy(
            () -> Args.parse(List.of("--users", "ten"), Set.of("users"), Set.of()).integer("users"))
        .hasMessageContaining("--users should be a number");
    assertThatThrownBy(() -> Args.parse(List.of("--keep=yes"), Set.of(), Set.of("keep")))
        .hasMessageContaining("--keep is a flag and takes no value");
  }

  @Test
  void theHtmlReportSitsBesideItsCsv() {
    assertThat(Commands.htmlBeside(Path.of("out/r.csv"))).isEqualTo(Path.of("out/r.html"));
    assertThat(Commands.htmlBeside(Path.of("r"))).isEqualTo(Path.of("r.html"));
  }
}
