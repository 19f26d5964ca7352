package io.kwhisk.perf;

import io.kwhisk.perf.cli.Commands;
import io.kwhisk.perf.cli.Options;
import io.kwhisk.perf.cli.TraceCommands;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar perf/target/kwhisk-perf.jar
 * <load|matrix|burst|lifecycle|trace|engine|report|latency> [options]}: wiring only, see {@link
 * Commands} and perf/README.md. The commands and their options are picocli specs ({@link Options}),
 * which parse them and print the usage.
 */
public final class PerfMain {
  public static void main(String[] args) throws Exception {
    // common's logback.xml is the services' configuration (stdout); perf keeps stdout for its
    // tables, so it names
    // its own file. Set before the first logger exists; -Dlogback.configurationFile still wins.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "kwhisk-perf-logback.xml");
    }
    System.exit(run(Arrays.asList(args)));
  }

  static int run(List<String> args) throws Exception {
    if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
      String command =
          args.size() > 1 && Options.commandNames().contains(args.get(1)) ? args.get(1) : null;
      System.out.print(Options.usage(command));
      return args.isEmpty() ? 2 : 0;
    }
    if (!Options.commandNames().contains(args.get(0))) {
      System.err.print("unknown command " + args.get(0) + "\n" + Options.usage(null));
      return 2;
    }
    if (args.contains("--help")) {
      System.out.print(Options.usage(args.get(0)));
      return 0;
    }
    Commands commands = new Commands(System.out, System.err);
    TraceCommands traces = new TraceCommands(System.out, System.err);
    List<String> rest = args.subList(1, args.size());
    try {
      switch (args.get(0)) {
        case "load":
          commands.load(rest);
          return 0;
        case "matrix":
          commands.matrix(rest);
          return 0;
        case "burst":
          commands.burst(rest);
          return 0;
        case "lifecycle":
          return commands.lifecycle(rest);
        case "report":
          commands.report(rest);
          return 0;
        case "trace":
          traces.trace(rest);
          return 0;
        case "engine":
          traces.engine(rest);
          return 0;
        case "keepalive":
          traces.keepAlive(rest);
          return 0;
        case "latency":
          commands.latency(rest);
          return 0;
        default:
          throw new IllegalStateException(
              "no command " + args.get(0)); // Options lists only the cases above
      }
    } catch (IllegalArgumentException e) {
      System.err.println("kwhisk-perf: " + e.getMessage() + " (kwhisk-perf help for usage)");
      return 2;
    } catch (java.nio.file.NoSuchFileException e) {
      System.err.println("kwhisk-perf: no such file " + e.getFile());
      return 1;
    } catch (java.io.IOException e) {
      System.err.println("kwhisk-perf: " + e);
      return 1;
    }
  }

  private PerfMain() {}
}
