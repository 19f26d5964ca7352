package io.kwhisk.perf.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every command of kwhisk-perf and its options, as picocli specs: {@link Args} parses a command's
 * arguments with them and {@code PerfMain} prints the usage picocli generates from them, so the
 * options and their help cannot drift apart. Options are {@code --name value} or {@code
 * --name=value}; a flag takes no value.
 */
public final class Options {
  /** One option: a flag when {@code label} is null. */
  record Opt(String name, String label, String description) {}

  private static final List<Opt> CONNECTION =
      List.of(
          new Opt(
              "wskprops",
              "FILE",
              "credentials and API host (default $KWHISK_WSKPROPS, .kwhisk/wskprops, ~/.wskprops)"),
          new Opt("apihost", "URL", "the API host, instead of a wskprops file"),
          new Opt("auth", "UUID:KEY", "the API key, instead of a wskprops file"),
          new Opt("namespace", "NS", "the namespace [the key's]"),
          new Opt("timeout", "DURATION", "how long one request may take [70s]"));

  private static final List<Opt> RUN =
      List.of(
          new Opt("design", "NAME", "the label of the system under test in the results [kwhisk]"),
          new Opt("csv", "FILE", "the results CSV, appended to [kwhisk-perf.csv]"),
          new Opt("html", "FILE", "the HTML report [beside the CSV]"),
          new Opt("pick", "rr|uniform", "how a user picks the next action [rr]"),
          new Opt("prefix", "NAME", "the actions' name prefix [perf-noop]"),
          new Opt("max-in-flight", "N", "requests in flight at most, open loop [1000]"),
          new Opt("warmup", "DURATION", "unmeasured warm-up [10s]"),
          new Opt("duration", "DURATION", "measured time [30s]"),
          new Opt("pause", "DURATION", "pause between scenarios"),
          new Opt("memory", "MB", "memory limit of the created actions [the platform's default]"),
          new Opt("concurrency", "N", "concurrency limit of the created actions [1]"),
          new Opt(
              "prime-up-to",
              "N",
              "invoke each action once first when there are at most N, so it starts warm"),
          new Opt(
              "pids",
              "NAME=PID,...",
              "the platform's processes for CPU per activation (standalone=PID or "
                  + "controller=PID,invoker=PID,broker=PID) [found]"),
          new Opt(
              "containers-label",
              "KEY[=VALUE]",
              "the label of the action containers [io.kwhisk.invoker]"),
          new Opt("client", "raw|apache|jdk", "the load generator's HTTP client [raw]"),
          new Opt("cleanup", null, "delete the actions afterwards"),
          new Opt("skip-setup", null, "use the actions as they are"),
          new Opt("no-cpu", null, "do not measure CPU"));

  private static final Map<String, Command> COMMANDS = commands();
  private static final int USAGE_WIDTH = 110;

  /** A command: its one-line description and its options. */
  record Command(String description, List<Opt> options) {}

  private Options() {}

  private static Map<String, Command> commands() {
    Map<String, Command> c = new LinkedHashMap<>();
    c.put(
        "load",
        new Command(
            "one scenario: K actions under N closed-loop users or R requests a second",
            concat(
                CONNECTION,
                RUN,
                List.of(
                    new Opt("actions", "K", "actions the load is spread over [1]"),
                    new Opt("users", "N", "closed-loop users [10 unless --rate]"),
                    new Opt("rate", "R", "open-loop requests a second"),
                    new Opt(
                        "direct-run",
                        null,
                        "also run the same load against the containers' /run directly")))));
    c.put(
        "matrix",
        new Command(
            "a matrix of load scenarios; quick = actions 1,10,100 x users 10,100, 10s warm-up,"
                + " 20s measured; full = actions 1,10,100,1000 x users 10,100,200, 20s warm-up, 60s measured",
            concat(
                CONNECTION,
                RUN,
                List.of(
                    new Opt("preset", "quick|full", "the matrix [quick]"),
                    new Opt("actions", "K,...", "action counts, instead of the preset's"),
                    new Opt("users", "N,...", "user counts, instead of the preset's"),
                    new Opt("rates", "R,...", "open-loop rates, instead of users")))));
    c.put(
        "burst",
        new Command(
            "cold bursts: per N, N fresh noop actions invoked once each at the same instant",
            concat(
                CONNECTION,
                List.of(
                    new Opt("design", "NAME", "the label of the system under test [kwhisk]"),
                    new Opt("csv", "FILE", "the results CSV [kwhisk-burst.csv]"),
                    new Opt("actions", "N,...", "burst sizes [10,50]"),
                    new Opt("prefix", "NAME", "the actions' name prefix [perf-burst]"),
                    new Opt("memory", "MB", "memory limit of the created actions"),
                    new Opt("pause", "DURATION", "pause between bursts [5s]"),
                    new Opt("keep", null, "keep the actions"),
                    new Opt(
                        "one-action",
                        null,
                        "burst-parallel: N invocations of one fresh action at the same instant")))));
    c.put(
        "lifecycle",
        new Command(
            "A fresh echo actions: start each container, then A users send --requests each,"
                + " sequentially, every answer validated, then delete; exit 1 on validation failures",
            concat(
                CONNECTION,
                List.of(
                    new Opt("design", "NAME", "the label of the system under test [kwhisk]"),
                    new Opt("csv", "FILE", "the results CSV [kwhisk-lifecycle.csv]"),
                    new Opt("actions", "A", "actions [10]"),
                    new Opt("requests", "N", "requests per action [100]"),
                    new Opt("prefix", "NAME", "the actions' name prefix [perf-life]"),
                    new Opt("memory", "MB", "memory limit of the created actions")))));
    c.put(
        "trace",
        new Command(
            "open-loop replay of an Azure Functions 2019 slice: slowdown, cold starts, GB-s",
            concat(
                CONNECTION,
                List.of(
                    new Opt("dir", "DIR", "the trace slice (required)"),
                    new Opt("minutes", "N", "minutes of the trace to replay [30]"),
                    new Opt("speed", "X", "replay speed [1]"),
                    new Opt("duration-scale", "X", "scale of the functions' durations [1]"),
                    new Opt("max-duration", "DURATION", "longest function duration [30s]"),
                    new Opt("memory", "MB", "memory limit of the created actions [256]"),
                    new Opt("memory-scale", "X", "scale of the functions' memory [0.0625]"),
                    new Opt("functions", "N", "functions replayed, 0 for all [0]"),
                    new Opt("seed", "N", "random seed [1]"),
                    new Opt("concurrency", "N", "concurrency limit of the created actions [1]"),
                    new Opt("design", "NAME", "the label of the system under test [kwhisk]"),
                    new Opt("csv", "FILE", "the results CSV [kwhisk-trace.csv]"),
                    new Opt("html", "FILE", "the HTML report [beside the CSV]"),
                    new Opt("prefix", "NAME", "the actions' name prefix [perf-trace]"),
                    new Opt("sample-every", "DURATION", "how often containers are counted [1s]"),
                    new Opt(
                        "containers-label",
                        "KEY[=VALUE]",
                        "the label of the action containers [io.kwhisk.invoker]"),
                    new Opt("keep", null, "keep the actions"),
                    new Opt("dry-run", null, "print the schedule's size only")))));
    c.put(
        "report",
        new Command(
            "re-render results CSVs as one HTML report (--html defaults beside the first CSV)",
            List.of(
                new Opt("csv", "FILE", "load results [kwhisk-perf.csv]"),
                new Opt("burst-csv", "FILE", "burst results"),
                new Opt("lifecycle-csv", "FILE", "lifecycle results"),
                new Opt("trace-csv", "FILE", "trace results"),
                new Opt("html", "FILE", "the report"),
                new Opt("title", "TEXT", "the report's title [kwhisk load test]"))));
    c.put(
        "engine",
        new Command(
            "the engine's raw creation rate (docker-java, no kwhisk): containers created, started"
                + " and ready per second at each parallelism",
            List.of(
                new Opt("containers", "N", "containers per level [50]"),
                new Opt("parallel", "N,...", "parallelism levels [1,4,8,16]"),
                new Opt("image", "IMAGE", "the image [kwhisk/action-nodejs-v20:latest]"),
                new Opt("memory", "MB", "memory limit [256]"),
                new Opt("network", "NAME", "the network [bridge]"),
                new Opt("docker-host", "URL", "the engine [unix:///var/run/docker.sock]"))));
    c.put(
        "keepalive",
        new Command(
            "keep-alive policies simulated over an Azure Functions 2019 slice (no platform):"
                + " cold starts and memory-time, side by side",
            List.of(
                new Opt("dir", "DIR", "the trace slice (required)"),
                new Opt("minutes", "N", "minutes of the trace [1440, the whole day]"),
                new Opt(
                    "policies",
                    "P,...",
                    "fixed:<duration> or hybrid:<fallback>[:<min keep-alive>]"
                        + " [fixed:10m,hybrid:4h,hybrid:4h:7m]"),
                new Opt("max-duration", "DURATION", "longest execution time [1h]"),
                new Opt("seed", "N", "random seed [1]"))));
    c.put(
        "latency",
        new Command(
            "cold start, warm invoke and direct /run latency",
            concat(
                CONNECTION,
                List.of(
                    new Opt("warm", "N", "warm invokes [1000]"),
                    new Opt("cold", "N", "cold starts [10]")))));
    return c;
  }

  @SafeVarargs
  private static List<Opt> concat(List<Opt>... groups) {
    List<Opt> out = new ArrayList<>();
    Arrays.stream(groups).forEach(out::addAll);
    return List.copyOf(out);
  }

  /** The names of the commands, in usage order. */
  public static List<String> commandNames() {
    return List.copyOf(COMMANDS.keySet());
  }

  /** The spec of {@code command}, or an IllegalArgumentException naming it when there is none. */
  public static CommandSpec spec(String command) {
    Command c = COMMANDS.get(command);
    if (c == null) throw new IllegalArgumentException("unknown command " + command);
    CommandSpec spec = spec(command, c.options());
    spec.usageMessage().description(c.description());
    return spec;
  }

  /**
   * A spec of the options named {@code valued} (each takes a value) and {@code flags}, with no help
   * text.
   */
  static CommandSpec spec(String command, List<Opt> options) {
    CommandSpec spec = CommandSpec.create().name(command);
    for (Opt o : options) {
      OptionSpec.Builder b = OptionSpec.builder("--" + o.name()).description(o.description());
      if (o.label() == null) b.arity("0").type(boolean.class);
      else b.arity("1").type(String.class).paramLabel(o.label());
      spec.addOption(b.build());
    }
    spec.addOption(
        OptionSpec.builder("--help").usageHelp(true).description("show this help").build());
    return spec;
  }

  /** kwhisk-perf and its commands, for the usage. */
  public static CommandLine commandLine() {
    CommandSpec root = CommandSpec.create().name("kwhisk-perf");
    root.usageMessage()
        .description(
            "Drives kwhisk over HTTP like a user and reports what it measured "
                + "(perf/README.md). kwhisk-perf <command> --help lists a command's options.");
    root.addOption(
        OptionSpec.builder("--help").usageHelp(true).description("show this help").build());
    CommandLine cli = new CommandLine(root);
    for (String name : COMMANDS.keySet()) cli.addSubcommand(name, new CommandLine(spec(name)));
    return cli;
  }

  /** The usage of kwhisk-perf, or of {@code command}. */
  public static String usage(String command) {
    CommandLine cli = command == null ? commandLine() : new CommandLine(spec(command));
    if (command != null) cli.setCommandName("kwhisk-perf " + command);
    return cli.setUsageHelpWidth(USAGE_WIDTH).getUsageMessage();
  }
}
