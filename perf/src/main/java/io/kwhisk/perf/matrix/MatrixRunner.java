package io.kwhisk.perf.matrix;

import io.kwhisk.perf.cpu.Component;
import io.kwhisk.perf.load.ActionSetup;
import io.kwhisk.perf.load.LoadGenerator;
import io.kwhisk.perf.load.Scenario;
import io.kwhisk.perf.load.ScenarioResult;
import io.kwhisk.perf.report.ResultsCsv;
import io.kwhisk.perf.report.ResultsTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Runs scenarios one after another against one endpoint: creates the largest scenario's actions
 * once (with overwrite) unless told they exist, runs each scenario, appends its row to the CSV as
 * soon as it finishes (a long matrix that is interrupted keeps what it measured), prints the table,
 * and optionally deletes the actions.
 */
public final class MatrixRunner {
  private final ActionSetup setup;
  private final LoadGenerator generator;
  private final PrintStream out;
  private final PrintStream progress;

  public MatrixRunner(
      ActionSetup setup, LoadGenerator generator, PrintStream out, PrintStream progress) {
    this.setup = setup;
    this.generator = generator;
    this.out = out;
    this.progress = progress;
  }

  /**
   * @param csv where to append each row, if anywhere
   * @param pause idle time between scenarios, so one scenario's tail does not land in the next
   *     one's warm-up
   * @param primeUpTo before a scenario of at most this many actions, invoke each of its actions
   *     once so that each has a warm container when the warm-up starts (0: never); larger scenarios
   *     are left to their warm-up, because priming more actions than containers fit only measures
   *     cold starts for longer
   */
  public List<ScenarioResult> run(
      List<Scenario> scenarios,
      Optional<Path> csv,
      boolean createActions,
      boolean deleteActions,
      Duration pause,
      int primeUpTo)
      throws IOException, InterruptedException {
    if (scenarios.isEmpty()) return List.of();
    String prefix = scenarios.get(0).prefix();
    int maxActions = scenarios.stream().mapToInt(Scenario::actions).max().orElseThrow();
    if (scenarios.stream().anyMatch(s -> !s.prefix().equals(prefix))) {
      throw new IllegalArgumentException("all scenarios of a run should share one action prefix");
    }
    List<ScenarioResult> results = new ArrayList<>();
    try {
      if (createActions) {
        progress.printf(
            "creating %d action(s) %s-0..%s-%d%n", maxActions, prefix, prefix, maxActions - 1);
        setup.create(prefix, maxActions);
      }
      for (int i = 0; i < scenarios.size(); i++) {
        if (i > 0 && !pause.isZero()) Thread.sleep(pause.toMillis());
        Scenario s = scenarios.get(i);
        if (s.actions() <= primeUpTo) {
          progress.printf("priming %d action(s): one invoke each%n", s.actions());
          setup.prime(prefix, s.actions());
        }
        progress.printf(
            "scenario %d/%d: %s, warm-up %ss, measure %ss%n",
            i + 1, scenarios.size(), s.label(), s.warmup().toSeconds(), s.duration().toSeconds());
        ScenarioResult r = generator.run(s);
        results.add(r);
        if (!Double.isNaN(r.cpu().of(Component.LOADGEN)))
          out.printf("[%s] %s%n", s.label(), r.cpu().summary());
        if (csv.isPresent()) ResultsCsv.append(csv.get(), r);
      }
    } finally {
      if (!results.isEmpty()) out.print(ResultsTable.render(results));
      if (deleteActions) {
        progress.printf("deleting %d action(s)%n", maxActions);
        setup.delete(prefix, maxActions);
      }
    }
    return results;
  }
}
