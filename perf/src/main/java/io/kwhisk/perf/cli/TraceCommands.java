package io.kwhisk.perf.cli;

import io.kwhisk.common.keepalive.KeepAlivePolicy;
import io.kwhisk.common.keepalive.Policies;
import io.kwhisk.perf.client.WhiskClient;
import io.kwhisk.perf.engine.EngineRate;
import io.kwhisk.perf.engine.EngineResult;
import io.kwhisk.perf.keepalive.KeepAliveComparison;
import io.kwhisk.perf.load.Label;
import io.kwhisk.perf.report.HtmlReport;
import io.kwhisk.perf.report.TraceCsv;
import io.kwhisk.perf.report.TraceTable;
import io.kwhisk.perf.trace.ArrivalSchedule;
import io.kwhisk.perf.trace.AzureTrace;
import io.kwhisk.perf.trace.ContainerListing;
import io.kwhisk.perf.trace.MemoryTime;
import io.kwhisk.perf.trace.ReplayPlan;
import io.kwhisk.perf.trace.TraceResult;
import io.kwhisk.perf.trace.TraceRunner;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The subcommands of {@code PerfMain} driven by a trace or aimed below kwhisk: {@code trace} (an
 * Azure Functions trace replayed against a platform), {@code engine} (the Docker engine's own
 * creation rate) and {@code keepalive} (keep-alive policies simulated, no platform). Each parses
 * its options, wires the pieces and runs; results go to {@code out}, progress and diagnostics to
 * {@code err}.
 */
public final class TraceCommands {
  static final Path DEFAULT_TRACE_CSV = Path.of("kwhisk-trace.csv");

  private final PrintStream out;
  private final PrintStream err;

  public TraceCommands(PrintStream out, PrintStream err) {
    this.out = out;
    this.err = err;
  }

  /**
   * {@code trace}: replays an Azure Functions 2019 trace slice as an open loop (perf/README.md,
   * "Trace replay").
   */
  public void trace(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, Options.spec("trace"));
    Path dir =
        Path.of(
            a.string("dir").orElseThrow(() -> new IllegalArgumentException("trace needs --dir")));
    ReplayPlan plan =
        new ReplayPlan(
            a.integer("minutes").orElse(30),
            a.number("speed").orElse(1.0),
            a.number("duration-scale").orElse(1.0),
            a.duration("max-duration").orElse(Duration.ofSeconds(30)),
            a.integer("memory").orElse(256),
            a.number("memory-scale").orElse(1.0 / 16),
            a.integer("functions").orElse(0),
            a.integer("seed").orElse(1));
    int concurrency = a.integer("concurrency").orElse(1);
    if (concurrency < 1)
      throw new IllegalArgumentException("--concurrency should be >= 1, was " + concurrency);
    ArrivalSchedule schedule = ArrivalSchedule.of(AzureTrace.read(dir), plan);
    if (schedule.arrivals().isEmpty())
      throw new IllegalArgumentException(
          "no invocation in the first " + plan.minutes() + " minute(s) of " + dir);
    String design = a.string("design", "kwhisk");
    err.printf(
        Locale.ROOT,
        "trace %s: %d minute(s) at speed %s (%.0f s), %d function(s), %d invocation(s), "
            + "%.1f running at once on average at their execution times%n",
        dir,
        plan.minutes(),
        plan.speed(),
        schedule.lengthNanos(plan) / 1e9,
        schedule.functions().size(),
        schedule.arrivals().size(),
        schedule.meanConcurrency(plan));
    if (a.flag("dry-run")) return;
    WhiskClient client = Commands.client(a);
    String prefix = a.string("prefix", "perf-trace");
    String label = a.string("containers-label", Commands.KWHISK_CONTAINER_LABEL);
    Map<String, String> ownerByAction = new HashMap<>();
    schedule
        .functions()
        .forEach(f -> ownerByAction.put(TraceRunner.actionName(prefix, f), f.shortName()));
    ContainerListing containers =
        ContainerListing.docker(
            label, fqn -> ownerByAction.getOrDefault(fqn.substring(fqn.indexOf('/') + 1), ""));
    TraceRunner runner =
        new TraceRunner(
            client,
            containers,
            err,
            Clock.systemUTC(),
            a.duration("timeout").orElse(WhiskClient.DEFAULT_TIMEOUT),
            a.duration("sample-every").orElse(Duration.ofSeconds(1)));
    err.printf("trace: creating %d action(s) %s-<function>%n", schedule.functions().size(), prefix);
    runner.create(schedule, prefix, plan.memoryLimitMb(), concurrency);
    MemoryTime memory = new MemoryTime();
    List<TraceResult> rows;
    try {
      rows =
          TraceResult.summarise(
              design,
              schedule,
              runner.replay(schedule, prefix, design, memory),
              memory,
              plan,
              runner.clock().instant());
    } finally {
      if (!a.flag("keep")) runner.delete(schedule, prefix);
    }
    Path csv = Path.of(a.string("csv", DEFAULT_TRACE_CSV.toString()));
    TraceCsv.append(csv, rows);
    out.print(TraceTable.render(rows));
    Path html = Path.of(a.string("html", Commands.htmlBeside(csv).toString()));
    Files.writeString(
        html,
        HtmlReport.render(
            "kwhisk trace replay", List.of(), List.of(), List.of(), TraceCsv.read(csv)),
        StandardCharsets.UTF_8);
    err.printf("appended to %s; report %s%n", csv, html);
  }

  /**
   * {@code engine}: the Docker engine's own creation rate of runtime containers, no kwhisk
   * (perf/README.md, "The engine's creation rate"): per {@code --parallel} level, {@code
   * --containers} created, started, ready, removed.
   */
  public void engine(List<String> argv) throws IOException, InterruptedException {
    Args a = Args.parse(argv, Options.spec("engine"));
    int containers = a.integer("containers").orElse(50);
    List<Integer> levels = a.integers("parallel").orElse(List.of(1, 4, 8, 16));
    String image = a.string("image", "kwhisk/action-nodejs-v20:latest");
    int memory = a.integer("memory").orElse(256);
    String network = a.string("network", "bridge");
    int connections = levels.stream().mapToInt(Integer::intValue).max().orElse(1) + 2;
    EngineRate engine =
        new EngineRate(
            EngineRate.client(a.string("docker-host", "unix:///var/run/docker.sock"), connections),
            err);
    String runId = Label.newRunId();
    for (int p : levels) {
      EngineResult r = engine.measure(image, memory, network, containers, p, runId);
      out.println(r.line());
    }
  }

  /**
   * {@code keepalive}: keep-alive policies simulated over one schedule of a trace (no platform).
   */
  public void keepAlive(List<String> argv) throws IOException {
    Args a = Args.parse(argv, Options.spec("keepalive"));
    AzureTrace trace =
        AzureTrace.read(
            Path.of(
                a.string("dir")
                    .orElseThrow(
                        () ->
                            new IllegalArgumentException(
                                "--dir is required (an Azure Functions 2019 slice)"))));
    int minutes = a.integer("minutes").orElse(Math.min(1440, trace.minutes()));
    List<KeepAlivePolicy> policies = new ArrayList<>();
    for (String spec : a.string("policies", "fixed:10m,hybrid:4h,hybrid:4h:7m").split(",")) {
      policies.add(keepAlivePolicy(spec.trim()));
    }
    ArrivalSchedule schedule =
        KeepAliveComparison.schedule(
            trace,
            minutes,
            a.integer("seed").orElse(1),
            a.duration("max-duration").orElse(Duration.ofHours(1)));
    out.printf(
        Locale.ROOT,
        "%d functions, %d invocations in %d minutes%n",
        schedule.functions().size(),
        schedule.arrivals().size(),
        minutes);
    KeepAliveComparison.print(KeepAliveComparison.run(schedule, minutes, policies), out);
  }

  /**
   * {@code fixed:<duration>}, {@code hybrid:<fallback>} or {@code hybrid:<fallback>:<least
   * keep-alive>}.
   */
  static KeepAlivePolicy keepAlivePolicy(String spec) {
    String[] parts = spec.split(":");
    if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !parts[0].equals("hybrid"))) {
      throw new IllegalArgumentException(
          "--policies: fixed:<duration> or hybrid:<fallback>[:<min keep-alive>], was " + spec);
    }
    Duration window = Args.parseDuration(parts[1]);
    if (parts.length == 3)
      return KeepAlivePolicy.Hybrid.bounded(window, Args.parseDuration(parts[2]));
    return Policies.of(parts[0], window);
  }
}
