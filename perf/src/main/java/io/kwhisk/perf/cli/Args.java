package io.kwhisk.perf.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * A command's options as parsed by picocli from its spec ({@link Options}): {@code --name value},
 * {@code --name=value} and bare {@code --flag}s. Unknown names are rejected (a mistyped option
 * should not silently fall back to a default), and errors name the option. Values are typed when
 * read, so that a bad one is reported with its option's name.
 */
public final class Args {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  /** picocli's message when a flag is given a value ({@code --keep=yes}). */
  private static final Pattern FLAG_WITH_VALUE =
      Pattern.compile("option '(--[^']+)' should be specified without");

  private final Map<String, String> values = new HashMap<>();
  private final Set<String> flags = new HashSet<>();

  private Args() {}

  /**
   * @param valued names that take a value
   * @param booleans names that are flags
   */
  public static Args parse(List<String> args, Set<String> valued, Set<String> booleans) {
    List<Options.Opt> options = new ArrayList<>();
    valued.forEach(n -> options.add(new Options.Opt(n, "VALUE", "")));
    booleans.forEach(n -> options.add(new Options.Opt(n, null, "")));
    return parse(args, Options.spec("command", options));
  }

  /**
   * Parses {@code args} with {@code spec}; the last of a repeated option wins, as it did before
   * picocli.
   */
  public static Args parse(List<String> args, CommandSpec spec) {
    CommandLine cli = new CommandLine(spec);
    cli.setOverwrittenOptionsAllowed(true);
    cli.setExpandAtFiles(false);
    cli.setAllowOptionsAsOptionParameters(true);
    ParseResult parsed;
    try {
      parsed = cli.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.UnmatchedArgumentException e) {
      String first = e.getUnmatched().isEmpty() ? "" : e.getUnmatched().get(0);
      if (!first.startsWith("--"))
        throw new IllegalArgumentException("unexpected argument " + first, e);
      throw new IllegalArgumentException("unknown option " + first.split("=", 2)[0], e);
    } catch (CommandLine.MissingParameterException e) {
      String name =
          e.getMissing().isEmpty()
              ? "an option"
              : ((OptionSpec) e.getMissing().get(0)).longestName();
      throw new IllegalArgumentException(name + " needs a value", e);
    } catch (CommandLine.ParameterException e) {
      Matcher flag = FLAG_WITH_VALUE.matcher(String.valueOf(e.getMessage()));
      if (flag.find())
        throw new IllegalArgumentException(flag.group(1) + " is a flag and takes no value", e);
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    Args out = new Args();
    for (OptionSpec o : parsed.matchedOptions()) {
      if (o.usageHelp()) continue;
      String name = o.longestName().substring(2);
      if (o.arity().max() == 0) out.flags.add(name);
      else out.values.put(name, parsed.matchedOptionValue(o.longestName(), (String) null));
    }
    return out;
  }

  public boolean flag(String name) {
    return flags.contains(name);
  }

  public Optional<String> string(String name) {
    return Optional.ofNullable(values.get(name));
  }

  public String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  public Optional<Integer> integer(String name) {
    return string(name).map(v -> parse(name, v, Integer::parseInt));
  }

  public Optional<Double> number(String name) {
    return string(name).map(v -> parse(name, v, Double::parseDouble));
  }

  public Optional<Duration> duration(String name) {
    return string(name)
        .map(
            v -> {
              try {
                return parseDuration(v);
              } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
              }
            });
  }

  public Optional<List<Integer>> integers(String name) {
    return string(name)
        .map(
            v -> {
              List<Integer> out = new ArrayList<>();
              for (String part : v.split(",")) out.add(parse(name, part.trim(), Integer::parseInt));
              return List.copyOf(out);
            });
  }

  /**
   * {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. A bare number is refused: the services'
   * configuration reads one as milliseconds, so on the command line it would be ambiguous.
   */
  public static Duration parseDuration(String s) {
    Matcher m = DURATION.matcher(s.trim());
    if (!m.matches())
      throw new IllegalArgumentException("not a duration (like 500ms, 10s, 2m): " + s);
    if (m.group(2) == null) {
      throw new IllegalArgumentException(
          "give a unit (like " + s.trim() + "s or " + s.trim() + "ms): " + s);
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2);
    double millis;
    switch (unit) {
      case "ms":
        millis = amount;
        break;
      case "m":
        millis = amount * 60_000;
        break;
      case "h":
        millis = amount * 3_600_000;
        break;
      default:
        millis = amount * 1000;
    }
    return Duration.ofMillis(Math.round(millis));
  }

  private interface Parser<T> {
    T parse(String s);
  }

  private static <T> T parse(String name, String value, Parser<T> parser) {
    try {
      return parser.parse(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " should be a number, was " + value, e);
    }
  }
}
