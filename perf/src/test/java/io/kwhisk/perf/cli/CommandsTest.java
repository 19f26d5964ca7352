package io.kwhisk.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.perf.FakeWhisk;
import io.kwhisk.perf.load.ScenarioResult;
import io.kwhisk.perf.report.ResultsCsv;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The subcommands end to end against {@link FakeWhisk}, with sub-second windows. */
@Timeout(60)
class CommandsTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Commands commands = new Commands(new PrintStream(out, true, StandardCharsets.UTF_8),
      new PrintStream(err, true, StandardCharsets.UTF_8));

  @Test
  void matrixAppendsARowPerScenarioRendersTheReportAndCleansUp() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      Path props = dir.resolve("wskprops");
      Files.writeString(props, "APIHOST=" + fake.apiHost().replace("http://", "") + "\nAUTH=" + FakeWhisk.AUTH
          + "\nNAMESPACE=guest\n");
      Path csv = dir.resolve("r.csv");

      commands.matrix(List.of("--wskprops", props.toString(), "--actions", "1,3", "--users", "2",
          "--warmup", "200ms", "--duration", "500ms", "--pause", "0s", "--design", "fake", "--csv", csv.toString(),
          "--memory", "128", "--cleanup"));

      List<ScenarioResult> rows = ResultsCsv.read(csv);
      assertThat(rows).extracting(ScenarioResult::actions).containsExactly(1, 3);
      assertThat(rows).allSatisfy(r -> assertThat(r.ok()).isPositive());
      assertThat(Files.readString(dir.resolve("r.html"))).contains("<svg").contains("fake");
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("design").contains("fake");
      assertThat(fake.invokes("perf-noop-2")).isPositive();
      assertThat(fake.definition("perf-noop-2")).contains("\"kind\":\"nodejs:20\"").contains("\"memory\":128")
          .contains("\"concurrency\":1");
      assertThat(fake.actions()).as("--cleanup deleted the actions").isEmpty();
    }
  }

  @Test
  void loadAtAFixedRateAppendsToAnExistingCsvAndReportReRendersIt() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      Path csv = dir.resolve("r.csv");
      List<String> connection = List.of("--apihost", fake.apiHost(), "--auth", FakeWhisk.AUTH);
      for (String design : List.of("a", "b")) {
        List<String> argv = new java.util.ArrayList<>(connection);
        argv.addAll(List.of("--actions", "2", "--rate", "40", "--warmup", "0s", "--duration", "500ms",
            "--design", design, "--csv", csv.toString()));
        commands.load(argv);
      }
      Path html = dir.resolve("custom.html");

      commands.report(List.of("--csv", csv.toString(), "--html", html.toString()));

      assertThat(ResultsCsv.read(csv)).extracting(ScenarioResult::design).containsExactly("a", "b");
      assertThat(ResultsCsv.read(csv)).allSatisfy(r -> assertThat(r.rate()).isEqualTo(40.0));
      assertThat(Files.readString(html)).contains("open loop, 40 requests/s")
          .contains("data-design=\"a\"").contains("data-design=\"b\"");
      assertThat(fake.actions()).as("without --cleanup the actions stay").hasSize(2);
    }
  }
}
