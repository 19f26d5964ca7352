package io.kwhisk.perf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.perf.FakeWhisk;
import io.kwhisk.perf.burst.BurstResult;
import io.kwhisk.perf.lifecycle.LifecycleResult;
import io.kwhisk.perf.load.ScenarioResult;
import io.kwhisk.perf.report.BurstCsv;
import io.kwhisk.perf.report.LifecycleCsv;
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
  private final Commands commands =
      new Commands(
          new PrintStream(out, true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8));

  @Test
  void matrixAppendsARowPerScenarioRendersTheReportAndCleansUp() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      Path props = dir.resolve("wskprops");
      Files.writeString(
          props,
          "APIHOST="
              + fake.apiHost().replace("http://", "")
              + "\nAUTH="
              + FakeWhisk.AUTH
              + "\nNAMESPACE=guest\n");
      Path csv = dir.resolve("r.csv");

      commands.matrix(
          List.of(
              "--wskprops",
              props.toString(),
              "--actions",
              "1,3",
              "--users",
              "2",
              "--warmup",
              "200ms",
              "--duration",
              "500ms",
              "--pause",
              "0s",
              "--design",
              "fake",
              "--csv",
              csv.toString(),
              "--memory",
              "128",
              "--cleanup"));

      List<ScenarioResult> rows = ResultsCsv.read(csv);
      assertThat(rows).extracting(ScenarioResult::actions).containsExactly(1, 3);
      assertThat(rows).allSatisfy(r -> assertThat(r.ok()).isPositive());
      assertThat(Files.readString(dir.resolve("r.html"))).contains("<svg").contains("fake");
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("design").contains("fake");
      assertThat(fake.invokes("perf-noop-2")).isPositive();
      assertThat(fake.definition("perf-noop-2"))
          .contains("\"kind\":\"nodejs:20\"")
          .contains("\"memory\":128")
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
        argv.addAll(
            List.of(
                "--actions",
                "2",
                "--rate",
                "40",
                "--warmup",
                "0s",
                "--duration",
                "500ms",
                "--design",
                design,
                "--csv",
                csv.toString()));
        commands.load(argv);
      }
      Path html = dir.resolve("custom.html");

      commands.report(List.of("--csv", csv.toString(), "--html", html.toString()));

      assertThat(ResultsCsv.read(csv)).extracting(ScenarioResult::design).containsExactly("a", "b");
      assertThat(ResultsCsv.read(csv)).allSatisfy(r -> assertThat(r.rate()).isEqualTo(40.0));
      assertThat(Files.readString(html))
          .contains("open loop, 40 requests/s")
          .contains("data-design=\"a\"")
          .contains("data-design=\"b\"");
      assertThat(fake.actions()).as("without --cleanup the actions stay").hasSize(2);
    }
  }

  @Test
  void burstAppendsARowPerBurstOfFreshActionsAndLeavesNoneBehind() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      Path csv = dir.resolve("b.csv");

      commands.burst(
          List.of(
              "--apihost",
              fake.apiHost(),
              "--auth",
              FakeWhisk.AUTH,
              "--actions",
              "2,3",
              "--pause",
              "0s",
              "--memory",
              "256",
              "--design",
              "fake",
              "--csv",
              csv.toString()));

      List<BurstResult> rows = BurstCsv.read(csv);
      assertThat(rows).extracting(BurstResult::actions).containsExactly(2, 3);
      assertThat(rows)
          .allSatisfy(
              r -> {
                assertThat(r.design()).isEqualTo("fake");
                assertThat(r.coldStarts()).isEqualTo(r.actions());
                assertThat(r.memoryMb()).isEqualTo(256);
              });
      assertThat(fake.invokes()).isEqualTo(5);
      assertThat(fake.actions()).isEmpty();
      assertThat(out.toString(StandardCharsets.UTF_8)).contains("creations/s").contains("fake");
    }
  }

  @Test
  void lifecycleExitsOneWhenAnAnswerFailsValidationAndZeroWhenAllAreValid() throws Exception {
    try (FakeWhisk fake = new FakeWhisk(8)) {
      Path csv = dir.resolve("l.csv");
      List<String> argv =
          List.of(
              "--apihost",
              fake.apiHost(),
              "--auth",
              FakeWhisk.AUTH,
              "--actions",
              "2",
              "--requests",
              "5",
              "--csv",
              csv.toString());

      assertThat(commands.lifecycle(argv)).isZero();
      fake.respondWithParams(
          (action, n, first, params) ->
              n == 20
                  ? new FakeWhisk.Answer(
                      200, FakeWhisk.record(action, "success", first, "{\"n\":0}"))
                  : FakeWhisk.echo(action, n, first, params));
      assertThat(commands.lifecycle(argv)).isEqualTo(1);

      assertThat(LifecycleCsv.read(csv))
          .extracting(LifecycleResult::validationFailures)
          .containsExactly(0L, 1L);
      assertThat(err.toString(StandardCharsets.UTF_8)).contains("1 answer(s) failed validation");
      assertThat(fake.actions()).isEmpty();
    }
  }

  @Test
  void reportRendersBurstAndLifecycleCsvsIntoOneHtmlBesideTheFirst() throws Exception {
    Path burst = dir.resolve("b.csv");
    Path life = dir.resolve("l.csv");
    Files.writeString(
        burst,
        String.join(",", BurstCsv.HEADER)
            + "\nkwhisk,10,0,2.5,10,1.2,8.3,900,950,990,999,10,0,"
            + "0,0,2026-01-01T00:00:00Z\n");
    Files.writeString(
        life,
        String.join(",", LifecycleCsv.HEADER)
            + "\nkwhisk,5,50,0,700,800,900,950,300,400,2.5,"
            + "100,10,20,30,40,255,0,0,0,0,5,0,2026-01-01T00:00:00Z\n");

    commands.report(List.of("--burst-csv", burst.toString(), "--lifecycle-csv", life.toString()));

    assertThat(Files.readString(dir.resolve("b.html")))
        .contains("Cold bursts")
        .contains("Container lifecycle")
        .doesNotContain("All runs");
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("creations/s").contains("start p50");
  }

  @Test
  void badBurstAndLifecycleOptionsAreRejectedNamingTheOptionBeforeAnythingIsSent() {
    assertThatThrownBy(() -> commands.burst(List.of("--actions", "10,0")))
        .hasMessageContaining("--actions");
    assertThatThrownBy(() -> commands.burst(List.of("--actions", "ten")))
        .hasMessageContaining("--actions should be a number");
    assertThatThrownBy(() -> commands.burst(List.of("--requests", "5")))
        .hasMessageContaining("unknown option --requests");
    assertThatThrownBy(() -> commands.burst(List.of("--pause", "soon")))
        .hasMessageContaining("--pause");
    assertThatThrownBy(() -> commands.lifecycle(List.of("--requests", "0")))
        .hasMessageContaining("--requests");
    assertThatThrownBy(() -> commands.lifecycle(List.of("--actions", "2,3")))
        .hasMessageContaining("--actions");
    assertThatThrownBy(() -> commands.lifecycle(List.of("--keep")))
        .hasMessageContaining("unknown option --keep");
  }

  @Test
  void keepAlivePoliciesAreNamedByKindWindowAndLeastKeepAliveAndBadOnesAreRefused() {
    assertThat(TraceCommands.keepAlivePolicy("fixed:10m").name()).isEqualTo("fixed:10m");
    assertThat(TraceCommands.keepAlivePolicy("hybrid:4h").name()).isEqualTo("hybrid:4h");
    assertThat(TraceCommands.keepAlivePolicy("hybrid:4h:7m").name()).isEqualTo("hybrid:4h,min:7m");
    assertThatThrownBy(() -> TraceCommands.keepAlivePolicy("fixed:10m:1m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--policies");
    assertThatThrownBy(() -> TraceCommands.keepAlivePolicy("lru:1m"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
