package io.kwhisk.perf.cli;

import io.kwhisk.perf.burst.BurstPlan;
import io.kwhisk.perf.burst.BurstResult;
import io.kwhisk.perf.burst.BurstRunner;
import io.kwhisk.perf.client.InvokeClient;
import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.client.Wskprops;
import io.kwhisk.perf.cpu.CpuSampler;
import io.kwhisk.perf.cpu.PlatformFinder;
import io.kwhisk.perf.cpu.Procfs;
import io.kwhisk.perf.cpu.Target;
import io.kwhisk.perf.direct.DirectRun;
import io.kwhisk.perf.latency.LatencyBenchmark;
import io.kwhisk.perf.lifecycle.LifecyclePlan;
import io.kwhisk.perf.lifecycle.LifecycleResult;
import io.kwhisk.perf.lifecycle.LifecycleRunner;
import io.kwhisk.perf.load.ActionPicker;
import io.kwhisk.perf.load.ActionSetup;
import io.kwhisk.perf.load.Label;
import io.kwhisk.perf.load.LoadGenerator;
import io.kwhisk.perf.load.Scenario;
import io.kwhisk.perf.load.ScenarioResult;
import io.kwhisk.perf.matrix.MatrixPlan;
import io.kwhisk.perf.matrix.MatrixRunner;
import io.kwhisk.perf.report.BurstCsv;
import io.kwhisk.perf.report.BurstTable;
import io.kwhisk.perf.report.HtmlReport;
import io.kwhisk.perf.report.LifecycleCsv;
import io.kwhisk.perf.report.LifecycleTable;
import io.kwhisk.perf.report.ResultsCsv;
import io.kwhisk.perf.report.ResultsTable;
import io.kwhisk.perf.report.TraceCsv;
import io.kwhisk.perf.report.TraceTable;
import io.kwhisk.perf.trace.TraceResult;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The subcommands of {@code PerfMain} that drive a platform with load (load, matrix, burst,
 * lifecycle, latency) and the report of their CSVs; the trace-driven ones are {@link
 * TraceCommands}'. Each parses its options, wires the pieces and runs; results go to {@code out},
 * progress and diagnostics to {@code err}.
 */
public final class Commands {
  static final Path DEFAULT_CSV = Path.of("kwhisk-perf.csv");
  static final Path DEFAULT_BURST_CSV = Path.of("kwhisk-burst.csv");
  static final Path DEFAULT_LIFECYCLE_CSV = Path.of("kwhisk-lifecycle.csv");

  /**
   * Every container kwhisk's invokers create carries this label (ContainerRuntime.INVOKER_LABEL).
   */
  static final String KWHISK_CONTAINER_LABEL = "io.kwhisk.invoker";

  private final PrintStream out;
  private final PrintStream err;

  public Commands(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** {@code load}: one scenario. */
  public void load(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, Options.spec("load"));
    int actions = a.integer("actions").orElse(1);
    int users = a.integer("users").orElse(0);
    double rate = a.number("rate").orElse(0.0);
    if (users == 0 && rate == 0) users = 10;
    Scenario s =
        new Scenario(
            a.string("design", "kwhisk"),
            actions,
            users,
            rate,
            a.duration("warmup").orElse(Duration.ofSeconds(10)),
            a.duration("duration").orElse(Duration.ofSeconds(30)),
            ActionPicker.parseKind(a.string("pick", "rr")),
            a.string("prefix", Scenario.DEFAULT_PREFIX),
            a.integer("max-in-flight").orElse(Scenario.DEFAULT_MAX_IN_FLIGHT));
    if (!a.flag("direct-run")) {
      runAll(a, List.of(s), a.flag("cleanup"));
      return;
    }
    // The direct run clones the containers the scenario left, so the actions are deleted (if asked)
    // only after it.
    List<ScenarioResult> kwhisk = runAll(a, List.of(s), false);
    Path csv = Path.of(a.string("csv", DEFAULT_CSV.toString()));
    try {
      ScenarioResult direct =
          new DirectRun(err, a.duration("timeout").orElse(WhiskClient.DEFAULT_TIMEOUT))
              .run(s, ActionSetup.NOOP, Label.newRunId());
      ResultsCsv.append(csv, direct);
      out.print(ResultsTable.render(List.of(direct)));
      out.printf("[%s] %s%n", direct.design(), direct.cpu().summary());
      if (!kwhisk.isEmpty() && direct.tps() > 0) {
        out.printf(
            Locale.ROOT,
            "%s / direct-run throughput: %.1f / %.1f = %.2f%n",
            s.design(),
            kwhisk.get(0).tps(),
            direct.tps(),
            kwhisk.get(0).tps() / direct.tps());
      }
      Files.writeString(
          Path.of(a.string("html", htmlBeside(csv).toString())),
          HtmlReport.render("kwhisk load test", ResultsCsv.read(csv)),
          StandardCharsets.UTF_8);
    } finally {
      if (a.flag("cleanup")) new ActionSetup(client(a)).delete(s.prefix(), s.actions());
    }
  }

  /** {@code matrix}: a preset (quick, full) optionally overridden by explicit lists. */
  public void matrix(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, Options.spec("matrix"));
    MatrixPlan plan = MatrixPlan.preset(a.string("preset", "quick"));
    plan = a.integers("actions").map(plan::withActions).orElse(plan);
    plan = a.integers("users").map(plan::withUsers).orElse(plan);
    if (a.string("rates").isPresent()) {
      plan =
          plan.withRates(
              a.integers("rates").orElseThrow().stream()
                  .map(Integer::doubleValue)
                  .collect(Collectors.toList()));
    }
    plan = a.duration("warmup").map(plan::withWarmup).orElse(plan);
    plan = a.duration("duration").map(plan::withDuration).orElse(plan);
    List<Scenario> scenarios =
        plan.scenarios(
            a.string("design", "kwhisk"),
            ActionPicker.parseKind(a.string("pick", "rr")),
            a.string("prefix", Scenario.DEFAULT_PREFIX),
            a.integer("max-in-flight").orElse(Scenario.DEFAULT_MAX_IN_FLIGHT));
    runAll(a, scenarios, a.flag("cleanup"));
  }

  /**
   * {@code report}: CSVs to one HTML file (and the tables on stdout). The load CSV is read when
   * given, or when neither a burst nor a lifecycle CSV is; the HTML goes beside the first CSV read
   * unless named.
   */
  public void report(List<String> argv) throws IOException {
    Args a = Args.parse(argv, Options.spec("report"));
    Optional<Path> burstCsv = a.string("burst-csv").map(Path::of);
    Optional<Path> lifecycleCsv = a.string("lifecycle-csv").map(Path::of);
    Optional<Path> traceCsv = a.string("trace-csv").map(Path::of);
    Optional<Path> csv = a.string("csv").map(Path::of);
    if (csv.isEmpty() && burstCsv.isEmpty() && lifecycleCsv.isEmpty() && traceCsv.isEmpty()) {
      csv = Optional.of(DEFAULT_CSV);
    }
    List<ScenarioResult> rows = csv.isPresent() ? ResultsCsv.read(csv.get()) : List.of();
    List<BurstResult> bursts = burstCsv.isPresent() ? BurstCsv.read(burstCsv.get()) : List.of();
    List<LifecycleResult> lifecycles =
        lifecycleCsv.isPresent() ? LifecycleCsv.read(lifecycleCsv.get()) : List.of();
    List<TraceResult> traces = traceCsv.isPresent() ? TraceCsv.read(traceCsv.get()) : List.of();
    if (csv.isPresent()) out.print(ResultsTable.render(rows));
    if (burstCsv.isPresent()) out.print(BurstTable.render(bursts));
    if (lifecycleCsv.isPresent()) out.print(LifecycleTable.render(lifecycles));
    if (traceCsv.isPresent()) out.print(TraceTable.render(traces));
    Path first = csv.or(() -> burstCsv).or(() -> lifecycleCsv).or(() -> traceCsv).orElseThrow();
    Path html = Path.of(a.string("html", htmlBeside(first).toString()));
    Files.writeString(
        html,
        HtmlReport.render(a.string("title", "kwhisk load test"), rows, bursts, lifecycles, traces),
        StandardCharsets.UTF_8);
    err.printf(
        "wrote %s (%d rows)%n",
        html, rows.size() + bursts.size() + lifecycles.size() + traces.size());
  }

  /** {@code burst}: cold bursts of fresh actions, one per size. */
  public void burst(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, Options.spec("burst"));
    BurstPlan plan =
        new BurstPlan(
            a.string("design", "kwhisk"),
            a.integers("actions").orElse(BurstPlan.DEFAULT_SIZES),
            a.string("prefix", BurstPlan.DEFAULT_PREFIX),
            Label.newRunId(),
            a.integer("memory").orElse(0),
            a.duration("pause").orElse(BurstPlan.DEFAULT_PAUSE),
            a.flag("keep"),
            a.flag("one-action"));
    WhiskClient client = client(a);
    Path csv = Path.of(a.string("csv", DEFAULT_BURST_CSV.toString()));
    BurstRunner runner =
        new BurstRunner(
            client,
            new ActionSetup(client, 1, plan.memoryMb()),
            err,
            Clock.systemUTC(),
            a.duration("timeout").orElse(WhiskClient.DEFAULT_TIMEOUT));
    List<BurstResult> done = new ArrayList<>();
    try {
      runner.run(
          plan,
          r -> {
            done.add(r);
            BurstCsv.append(csv, r);
          });
    } finally {
      if (!done.isEmpty()) out.print(BurstTable.render(done));
    }
    err.printf("appended to %s%s%n", csv, plan.keep() ? "; the actions were kept (--keep)" : "");
  }

  /**
   * {@code lifecycle}: start A containers, send each its requests, validate every answer, retire
   * them. Returns the exit status: 1 when any answer failed validation, else 0.
   */
  public int lifecycle(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, Options.spec("lifecycle"));
    LifecyclePlan plan =
        new LifecyclePlan(
            a.string("design", "kwhisk"),
            a.integer("actions").orElse(LifecyclePlan.DEFAULT_ACTIONS),
            a.integer("requests").orElse(LifecyclePlan.DEFAULT_REQUESTS),
            a.string("prefix", LifecyclePlan.DEFAULT_PREFIX),
            Label.newRunId(),
            a.integer("memory").orElse(0));
    WhiskClient client = client(a);
    Path csv = Path.of(a.string("csv", DEFAULT_LIFECYCLE_CSV.toString()));
    LifecycleResult r =
        new LifecycleRunner(
                client, new ActionSetup(client, 1, plan.memoryMb()), err, Clock.systemUTC())
            .run(plan);
    LifecycleCsv.append(csv, r);
    out.print(LifecycleTable.render(List.of(r)));
    err.printf("appended to %s%n", csv);
    if (r.validationFailures() > 0) {
      err.printf(
          "%d answer(s) failed validation: the platform answered 200 with the wrong result%n",
          r.validationFailures());
      return 1;
    }
    return 0;
  }

  /** {@code latency}: the walking skeleton's cold/warm/direct latency benchmark. */
  public void latency(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, Options.spec("latency"));
    LatencyBenchmark.run(client(a), a.integer("warm").orElse(1000), a.integer("cold").orElse(10));
  }

  private List<ScenarioResult> runAll(Args a, List<Scenario> scenarios, boolean cleanup)
      throws IOException, InterruptedException {
    WhiskClient client = client(a);
    Duration timeout = a.duration("timeout").orElse(WhiskClient.DEFAULT_TIMEOUT);
    Path csv = Path.of(a.string("csv", DEFAULT_CSV.toString()));
    ActionSetup setup =
        new ActionSetup(client, a.integer("concurrency").orElse(1), a.integer("memory").orElse(0));
    InvokeClient invokes =
        InvokeClient.of(InvokeClient.Kind.parse(a.string("client", "raw")), client);
    MatrixRunner runner =
        new MatrixRunner(
            setup,
            new LoadGenerator(
                invokes,
                err,
                timeout,
                Clock.systemUTC(),
                cpuSampler(a, client, scenarios.get(0).prefix())),
            out,
            err);
    List<ScenarioResult> results;
    try {
      results =
          runner.run(
              scenarios,
              Optional.of(csv),
              !a.flag("skip-setup"),
              cleanup,
              a.duration("pause").orElse(Duration.ofSeconds(2)),
              primeUpTo(a));
    } finally {
      invokes.close();
    }
    Path html = Path.of(a.string("html", htmlBeside(csv).toString()));
    Files.writeString(
        html, HtmlReport.render("kwhisk load test", ResultsCsv.read(csv)), StandardCharsets.UTF_8);
    err.printf("appended to %s; report %s%n", csv, html);
    return results;
  }

  /**
   * The CPU sampler of a run, unless {@code --no-cpu}: the platform's processes from {@code
   * --pids}, else found behind the API host's port; the action containers by {@code
   * --containers-label} (default: any kwhisk container) running one of the scenarios' actions.
   */
  private Optional<CpuSampler> cpuSampler(Args a, WhiskClient client, String actionPrefix) {
    if (a.flag("no-cpu")) return Optional.empty();
    List<Target> targets =
        a.string("pids")
            .map(PlatformFinder::parsePids)
            .orElseGet(() -> new PlatformFinder(Procfs.system()).discover(client.apiHost()));
    if (targets.isEmpty()) {
      err.printf(
          "cpu: no kwhisk process found behind %s (give --pids); its columns will read n/a%n",
          client.apiHost());
    } else {
      err.printf("cpu: sampling %s%n", targets);
    }
    return Optional.of(
        CpuSampler.system(
            targets, a.string("containers-label", KWHISK_CONTAINER_LABEL), actionPrefix));
  }

  private static int primeUpTo(Args a) {
    int n = a.integer("prime-up-to").orElse(0);
    if (n < 0) throw new IllegalArgumentException("--prime-up-to should be >= 0, was " + n);
    return n;
  }

  static WhiskClient client(Args a) throws IOException {
    Duration timeout = a.duration("timeout").orElse(WhiskClient.DEFAULT_TIMEOUT);
    Optional<String> apiHost = a.string("apihost");
    if (apiHost.isPresent()) {
      String auth =
          a.string("auth")
              .orElseThrow(() -> new IllegalArgumentException("--apihost needs --auth"));
      return new Wskprops(apiHost.get(), auth, a.string("namespace", Wskprops.DEFAULT_NAMESPACE))
          .client(timeout);
    }
    Wskprops props = Wskprops.read(wskpropsFile(a.string("wskprops")));
    if (a.string("namespace").isPresent()) {
      props = new Wskprops(props.apiHost(), props.auth(), a.string("namespace").get());
    }
    return props.client(timeout);
  }

  /**
   * --wskprops, else {@code $KWHISK_WSKPROPS} if that file exists (perf/run.sh points it at the
   * standalone's), else {@code .kwhisk/wskprops}, else {@code ~/.wskprops}.
   */
  static Path wskpropsFile(Optional<String> given) throws IOException {
    if (given.isPresent()) return Path.of(given.get());
    String env = System.getenv("KWHISK_WSKPROPS");
    if (env != null && !env.isBlank() && Files.exists(Path.of(env))) return Path.of(env);
    Path standalone = Path.of(".kwhisk", "wskprops");
    if (Files.exists(standalone)) return standalone;
    Path home = Path.of(System.getProperty("user.home"), ".wskprops");
    if (Files.exists(home)) return home;
    throw new IOException(
        "no --wskprops given and neither .kwhisk/wskprops nor ~/.wskprops exists "
            + "(start the standalone: bash scripts/standalone.sh)");
  }

  static Path htmlBeside(Path csv) {
    String name = csv.getFileName().toString();
    String base = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    return csv.resolveSibling(base + ".html");
  }
}
