package io.kwhisk.perf.load;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The rule for the labels a run is given on the command line ({@code --design}, {@code --prefix})
 * and makes up (a run id): they end up in CSV fields and action names, so they are restricted to
 * {@code [A-Za-z0-9._-]} and never need quoting.
 */
public final class Label {
  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9._-]+");

  private Label() {}

  /** Returns {@code value}, or throws naming {@code what} (an option such as {@code design}). */
  public static String require(String what, String value) {
    if (value == null || !LABEL.matcher(value).matches()) {
      throw new IllegalArgumentException(
          what
              + " should match "
              + LABEL
              + " (it is a CSV field or part of an "
              + "action name), was "
              + value);
    }
    return value;
  }

  /**
   * Six random base-36 characters, a valid label: put into action names, they make the actions of
   * two runs distinct in practice (one in two billion), so a run's actions are new and their first
   * invokes cold.
   */
  public static String newRunId() {
    long bound = 36L * 36 * 36 * 36 * 36 * 36;
    String id = Long.toString(ThreadLocalRandom.current().nextLong(bound), 36);
    return "0".repeat(6 - id.length()) + id;
  }
}
