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

/**
 * Command-line options: {@code --name value}, {@code --name=value} and bare {@code --flag}s. Unknown names are
 * rejected (a mistyped option should not silently fall back to a default), and errors name the option.
 */
public final class Args {
  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)?");

  private final Map<String, String> values = new HashMap<>();
  private final Set<String> flags = new HashSet<>();

  private Args() {}

  /**
   * @param valued names that take a value
   * @param booleans names that are flags
   */
  public static Args parse(List<String> args, Set<String> valued, Set<String> booleans) {
    Args out = new Args();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (!a.startsWith("--")) throw new IllegalArgumentException("unexpected argument " + a);
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      if (booleans.contains(name)) {
        if (value != null) throw new IllegalArgumentException("--" + name + " is a flag and takes no value");
        out.flags.add(name);
      } else if (valued.contains(name)) {
        if (value == null) {
          if (i + 1 >= args.size()) throw new IllegalArgumentException("--" + name + " needs a value");
          value = args.get(++i);
        }
        out.values.put(name, value);
      } else {
        throw new IllegalArgumentException("unknown option --" + name);
      }
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
    return string(name).map(v -> {
      try {
        return parseDuration(v);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + name + ": " + e.getMessage(), e);
      }
    });
  }

  public Optional<List<Integer>> integers(String name) {
    return string(name).map(v -> {
      List<Integer> out = new ArrayList<>();
      for (String part : v.split(",")) out.add(parse(name, part.trim(), Integer::parseInt));
      return List.copyOf(out);
    });
  }

  /**
   * {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h}. A bare number is refused: the services' configuration reads
   * one as milliseconds, so on the command line it would be ambiguous.
   */
  public static Duration parseDuration(String s) {
    Matcher m = DURATION.matcher(s.trim());
    if (!m.matches()) throw new IllegalArgumentException("not a duration (like 500ms, 10s, 2m): " + s);
    if (m.group(2) == null) {
      throw new IllegalArgumentException("give a unit (like " + s.trim() + "s or " + s.trim() + "ms): " + s);
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
