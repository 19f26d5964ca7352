package io.kwhisk.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.Model.OptionSpec;

@Timeout(10)
class OptionsTest {
  private static List<String> names(String command) {
    return Options.spec(command).options().stream()
        .map(OptionSpec::longestName)
        .filter(n -> !n.equals("--help"))
        .sorted()
        .collect(Collectors.toList());
  }

  @Test
  void theCommandsKeepTheOptionNamesTheyHadBeforePicocli() {
    assertThat(Options.commandNames())
        .containsExactly(
            "load",
            "matrix",
            "burst",
            "lifecycle",
            "trace",
            "report",
            "engine",
            "keepalive",
            "latency");
    assertThat(names("load"))
        .containsExactlyInAnyOrder(
            "--wskprops",
            "--apihost",
            "--auth",
            "--namespace",
            "--timeout",
            "--design",
            "--csv",
            "--html",
            "--pick",
            "--prefix",
            "--max-in-flight",
            "--warmup",
            "--duration",
            "--pause",
            "--memory",
            "--concurrency",
            "--prime-up-to",
            "--pids",
            "--containers-label",
            "--client",
            "--cleanup",
            "--skip-setup",
            "--no-cpu",
            "--actions",
            "--users",
            "--rate",
            "--direct-run");
    assertThat(names("burst"))
        .containsExactlyInAnyOrder(
            "--wskprops",
            "--apihost",
            "--auth",
            "--namespace",
            "--timeout",
            "--design",
            "--csv",
            "--actions",
            "--prefix",
            "--memory",
            "--pause",
            "--keep",
            "--one-action");
    assertThat(names("report"))
        .containsExactlyInAnyOrder(
            "--csv", "--burst-csv", "--lifecycle-csv", "--trace-csv", "--html", "--title");
    assertThat(names("engine"))
        .containsExactlyInAnyOrder(
            "--containers", "--parallel", "--image", "--memory", "--network", "--docker-host");
  }

  @Test
  void aCommandsSpecParsesValuesInBothSpellingsFlagsAndTheLastOfARepeatedOption() {
    Args a =
        Args.parse(
            List.of("--actions", "3", "--rate=50", "--warmup", "2s", "--cleanup", "--rate", "60"),
            Options.spec("load"));
    assertThat(a.integer("actions")).contains(3);
    assertThat(a.number("rate")).contains(60.0);
    assertThat(a.duration("warmup")).contains(Duration.ofSeconds(2));
    assertThat(a.flag("cleanup")).isTrue();
    assertThat(a.flag("skip-setup")).isFalse();
    assertThat(Args.parse(List.of("--prefix", "--odd"), Options.spec("load")).string("prefix"))
        .contains("--odd");
  }

  @Test
  void anOptionOfAnotherCommandIsRejectedNamingIt() {
    assertThatThrownBy(() -> Args.parse(List.of("--requests", "5"), Options.spec("burst")))
        .hasMessageContaining("unknown option --requests");
    assertThatThrownBy(() -> Args.parse(List.of("stray"), Options.spec("burst")))
        .hasMessageContaining("unexpected argument stray");
    assertThatThrownBy(() -> Options.spec("bench")).hasMessageContaining("unknown command bench");
  }

  @Test
  void theUsageIsGeneratedFromTheSpecs() {
    String all = Options.usage(null);
    for (String command : Options.commandNames()) assertThat(all).contains(command);
    String trace = Options.usage("trace");
    assertThat(trace)
        .contains("--dir=DIR", "--dry-run", "--sample-every=DURATION", "--help", "Azure Functions");
  }
}
