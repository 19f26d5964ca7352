package io.kwhisk.perf;

import io.kwhisk.perf.cli.Commands;
import java.util.Arrays;
import java.util.List;

/**
 * {@code java -jar perf/target/kwhisk-perf.jar <load|matrix|burst|lifecycle|trace|engine|report|latency> [options]}: wiring
 * only, see
 * {@link Commands} and perf/README.md.
 */
public final class PerfMain {
  static final String USAGE = String.join("\n",
      "usage: kwhisk-perf <command> [options]",
      "  load     one scenario: [--wskprops FILE] --actions K (--users N | --rate R) [--warmup 10s]",
      "           [--duration 30s] [--design kwhisk] [--csv kwhisk-perf.csv] [--html FILE] [--pick rr|uniform]",
      "           [--prefix perf-noop] [--timeout 70s] [--max-in-flight 1000] [--skip-setup] [--cleanup]",
      "           [--memory MB] [--concurrency 1] (limits of the created actions)",
      "           [--prime-up-to N] (first invoke each action once when K <= N, so it starts warm)",
      "  matrix   [--preset quick|full] [--actions 1,10,100] [--users 10,100 | --rates 100,500] and the load",
      "           options; quick = actions 1,10,100 x users 10,100, 10s warm-up, 20s measured;",
      "           full = actions 1,10,100,1000 x users 10,100,200, 20s warm-up, 60s measured",
      "  burst    cold bursts: per N, N fresh noop actions invoked once each at the same instant; [--actions 10,50]",
      "           [--one-action] (burst-parallel: N invocations of one fresh action at the same instant)",
      "           [--memory MB] [--pause 5s] [--keep] [--prefix perf-burst] [--design kwhisk]",
      "           [--csv kwhisk-burst.csv] [--timeout 70s]",
      "  lifecycle A fresh echo actions: start each container, then A users send --requests each, sequentially,",
      "           every answer validated, then delete; [--actions 10] [--requests 100] [--memory MB]",
      "           [--prefix perf-life] [--design kwhisk] [--csv kwhisk-lifecycle.csv]; exit 1 on validation failures",
      "  trace    --dir DIR (an Azure Functions 2019 slice) [--minutes 30] [--speed 1] [--duration-scale 1]",
      "           [--max-duration 30s] [--memory 256] [--memory-scale 0.0625] [--functions 0 (all)] [--seed 1]",
      "           [--concurrency 1] [--design kwhisk] [--csv kwhisk-trace.csv] [--sample-every 1s] [--keep]",
      "           [--dry-run] (print the schedule's size only): open-loop replay, slowdown, cold starts, GB-s",
      "  report   [--csv kwhisk-perf.csv] [--burst-csv F] [--lifecycle-csv F] [--trace-csv F] [--html FILE]",
      "           [--title T]:",
      "           re-render results CSVs as one HTML report (--html defaults beside the first CSV)",
      "  engine   [--containers 50] [--parallel 1,4,8,16] [--image kwhisk/action-nodejs-v20:latest] [--memory 256]",
      "           [--network bridge] [--docker-host unix:///var/run/docker.sock]: the engine's raw creation rate",
      "           (docker-java, no kwhisk): containers created, started and ready per second at each parallelism",
      "  latency  [--wskprops FILE] [--warm 1000] [--cold 10]: cold start, warm invoke, direct /run latency",
      "connection: --wskprops FILE (default $KWHISK_WSKPROPS, .kwhisk/wskprops, ~/.wskprops) or --apihost URL",
      "            --auth uuid:key; [--namespace NS]");

  public static void main(String[] args) throws Exception {
    // common's logback.xml is the services' configuration (stdout); perf keeps stdout for its tables, so it names
    // its own file. Set before the first logger exists; -Dlogback.configurationFile still wins.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "kwhisk-perf-logback.xml");
    }
    System.exit(run(Arrays.asList(args)));
  }

  static int run(List<String> args) throws Exception {
    if (args.isEmpty() || args.get(0).equals("help") || args.get(0).equals("--help")) {
      System.out.println(USAGE);
      return args.isEmpty() ? 2 : 0;
    }
    Commands commands = new Commands(System.out, System.err);
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
          commands.trace(rest);
          return 0;
        case "engine":
          commands.engine(rest);
          return 0;
        case "latency":
          commands.latency(rest);
          return 0;
        default:
          System.err.println("unknown command " + args.get(0) + "\n" + USAGE);
          return 2;
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
