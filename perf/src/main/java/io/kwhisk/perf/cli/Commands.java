package io.kwhisk.perf.cli;

import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.client.Wskprops;
import io.kwhisk.perf.latency.LatencyBenchmark;
import io.kwhisk.perf.load.ActionPicker;
import io.kwhisk.perf.load.ActionSetup;
import io.kwhisk.perf.load.LoadGenerator;
import io.kwhisk.perf.load.Scenario;
import io.kwhisk.perf.matrix.MatrixPlan;
import io.kwhisk.perf.matrix.MatrixRunner;
import io.kwhisk.perf.report.HtmlReport;
import io.kwhisk.perf.report.ResultsCsv;
import io.kwhisk.perf.report.ResultsTable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The subcommands of {@code PerfMain}. Each parses its options, wires the pieces and runs; results go to
 * {@code out}, progress and diagnostics to {@code err}.
 */
public final class Commands {
  static final Path DEFAULT_CSV = Path.of("kwhisk-perf.csv");

  private static final Set<String> CONNECTION = Set.of("wskprops", "apihost", "auth", "namespace", "timeout");
  private static final Set<String> RUN = Set.of("design", "csv", "html", "pick", "prefix", "max-in-flight",
      "warmup", "duration", "pause", "memory", "concurrency", "prime-up-to");
  private static final Set<String> RUN_FLAGS = Set.of("cleanup", "skip-setup");

  private final PrintStream out;
  private final PrintStream err;

  public Commands(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /** {@code load}: one scenario. */
  public void load(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, union(CONNECTION, RUN, Set.of("actions", "users", "rate")), RUN_FLAGS);
    int actions = a.integer("actions").orElse(1);
    int users = a.integer("users").orElse(0);
    double rate = a.number("rate").orElse(0.0);
    if (users == 0 && rate == 0) users = 10;
    Scenario s = new Scenario(a.string("design", "kwhisk"), actions, users, rate,
        a.duration("warmup").orElse(Duration.ofSeconds(10)), a.duration("duration").orElse(Duration.ofSeconds(30)),
        ActionPicker.parseKind(a.string("pick", "rr")), a.string("prefix", Scenario.DEFAULT_PREFIX),
        a.integer("max-in-flight").orElse(Scenario.DEFAULT_MAX_IN_FLIGHT));
    runAll(a, List.of(s));
  }

  /** {@code matrix}: a preset (quick, full) optionally overridden by explicit lists. */
  public void matrix(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, union(CONNECTION, RUN, Set.of("preset", "actions", "users", "rates")), RUN_FLAGS);
    MatrixPlan plan = MatrixPlan.preset(a.string("preset", "quick"));
    plan = a.integers("actions").map(plan::withActions).orElse(plan);
    plan = a.integers("users").map(plan::withUsers).orElse(plan);
    if (a.string("rates").isPresent()) {
      plan = plan.withRates(a.integers("rates").orElseThrow().stream().map(Integer::doubleValue)
          .collect(Collectors.toList()));
    }
    plan = a.duration("warmup").map(plan::withWarmup).orElse(plan);
    plan = a.duration("duration").map(plan::withDuration).orElse(plan);
    List<Scenario> scenarios = plan.scenarios(a.string("design", "kwhisk"),
        ActionPicker.parseKind(a.string("pick", "rr")), a.string("prefix", Scenario.DEFAULT_PREFIX),
        a.integer("max-in-flight").orElse(Scenario.DEFAULT_MAX_IN_FLIGHT));
    runAll(a, scenarios);
  }

  /** {@code report}: CSV to HTML (and the table on stdout). */
  public void report(List<String> argv) throws IOException {
    Args a = Args.parse(argv, Set.of("csv", "html", "title"), Set.of());
    Path csv = Path.of(a.string("csv", DEFAULT_CSV.toString()));
    Path html = Path.of(a.string("html", htmlBeside(csv).toString()));
    var rows = ResultsCsv.read(csv);
    out.print(ResultsTable.render(rows));
    Files.writeString(html, HtmlReport.render(a.string("title", "kwhisk load test"), rows), StandardCharsets.UTF_8);
    err.printf("wrote %s (%d rows)%n", html, rows.size());
  }

  /** {@code latency}: the walking skeleton's cold/warm/direct latency benchmark. */
  public void latency(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, union(CONNECTION, Set.of("warm", "cold")), Set.of());
    LatencyBenchmark.run(client(a), a.integer("warm").orElse(1000), a.integer("cold").orElse(10));
  }

  private void runAll(Args a, List<Scenario> scenarios) throws IOException, InterruptedException {
    WhiskClient client = client(a);
    Duration timeout = a.duration("timeout").orElse(WhiskClient.DEFAULT_TIMEOUT);
    Path csv = Path.of(a.string("csv", DEFAULT_CSV.toString()));
    ActionSetup setup = new ActionSetup(client, a.integer("concurrency").orElse(1), a.integer("memory").orElse(0));
    MatrixRunner runner = new MatrixRunner(setup,
        new LoadGenerator(client, err, timeout, Clock.systemUTC()), out, err);
    runner.run(scenarios, Optional.of(csv), !a.flag("skip-setup"), a.flag("cleanup"),
        a.duration("pause").orElse(Duration.ofSeconds(2)), primeUpTo(a));
    Path html = Path.of(a.string("html", htmlBeside(csv).toString()));
    Files.writeString(html, HtmlReport.render("kwhisk load test", ResultsCsv.read(csv)), StandardCharsets.UTF_8);
    err.printf("appended to %s; report %s%n", csv, html);
  }

  private static int primeUpTo(Args a) {
    int n = a.integer("prime-up-to").orElse(0);
    if (n < 0) throw new IllegalArgumentException("--prime-up-to should be >= 0, was " + n);
    return n;
  }

  private static WhiskClient client(Args a) throws IOException {
    Duration timeout = a.duration("timeout").orElse(WhiskClient.DEFAULT_TIMEOUT);
    Optional<String> apiHost = a.string("apihost");
    if (apiHost.isPresent()) {
      String auth = a.string("auth").orElseThrow(() -> new IllegalArgumentException("--apihost needs --auth"));
      return new Wskprops(apiHost.get(), auth, a.string("namespace", Wskprops.DEFAULT_NAMESPACE)).client(timeout);
    }
    Wskprops props = Wskprops.read(wskpropsFile(a.string("wskprops")));
    if (a.string("namespace").isPresent()) {
      props = new Wskprops(props.apiHost(), props.auth(), a.string("namespace").get());
    }
    return props.client(timeout);
  }

  /**
   * --wskprops, else {@code $KWHISK_WSKPROPS} if that file exists (perf/run.sh points it at the standalone's),
   * else {@code .kwhisk/wskprops}, else {@code ~/.wskprops}.
   */
  static Path wskpropsFile(Optional<String> given) throws IOException {
    if (given.isPresent()) return Path.of(given.get());
    String env = System.getenv("KWHISK_WSKPROPS");
    if (env != null && !env.isBlank() && Files.exists(Path.of(env))) return Path.of(env);
    Path standalone = Path.of(".kwhisk", "wskprops");
    if (Files.exists(standalone)) return standalone;
    Path home = Path.of(System.getProperty("user.home"), ".wskprops");
    if (Files.exists(home)) return home;
    throw new IOException("no --wskprops given and neither .kwhisk/wskprops nor ~/.wskprops exists "
        + "(start the standalone: bash scripts/standalone.sh)");
  }

  static Path htmlBeside(Path csv) {
    String name = csv.getFileName().toString();
    String base = name.endsWith(".csv") ? name.substring(0, name.length() - 4) : name;
    return csv.resolveSibling(base + ".html");
  }

  @SafeVarargs
  private static Set<String> union(Set<String>... sets) {
    Set<String> out = new HashSet<>();
    for (Set<String> s : sets) out.addAll(s);
    return out;
  }
}
