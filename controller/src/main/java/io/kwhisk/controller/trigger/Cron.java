package io.kwhisk.controller.trigger;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;

/**
 * A cron expression as OpenWhisk's alarms feed takes it: five fields (minute, hour, day of month,
 * month, day of week) or six with seconds first; each {@code *}, a number, a range {@code a-b}, a
 * list, and steps {@code /n}. Day of week 0 or 7 is Sunday. Times are UTC. Immutable; {@link #next}
 * is pure.
 */
public final class Cron {
  private final BitSet seconds;
  private final BitSet minutes;
  private final BitSet hours;
  private final BitSet days;
  private final BitSet months;
  private final BitSet weekdays;
  private final boolean anyDay;
  private final boolean anyWeekday;

  private Cron(String[] f) {
    boolean withSeconds = f.length == 6;
    int i = withSeconds ? 1 : 0;
    seconds = withSeconds ? field(f[0], 0, 59, "seconds") : single(0);
    minutes = field(f[i], 0, 59, "minutes");
    hours = field(f[i + 1], 0, 23, "hours");
    days = field(f[i + 2], 1, 31, "day of month");
    months = field(f[i + 3], 1, 12, "month");
    BitSet w = field(f[i + 4], 0, 7, "day of week");
    if (w.get(7)) w.set(0);
    weekdays = w;
    anyDay = f[i + 2].equals("*");
    anyWeekday = f[i + 4].equals("*");
  }

  /**
   * Parses {@code expression}; throws {@link IllegalArgumentException} with a message fit for a
   * client.
   */
  public static Cron parse(String expression) {
    String[] f = expression == null ? new String[0] : expression.trim().split("\\s+");
    if (f.length != 5 && f.length != 6) {
      throw new IllegalArgumentException(
          "The cron expression '" + expression + "' must have 5 or 6 fields.");
    }
    return new Cron(f);
  }

  /** The first time strictly after {@code after} (epoch millis) that matches, in epoch millis. */
  public long next(long after) {
    LocalDateTime t =
        LocalDateTime.ofEpochSecond(Math.floorDiv(after, 1000) + 1, 0, ZoneOffset.UTC);
    LocalDateTime limit = t.plusYears(5);
    while (t.isBefore(limit)) {
      if (!months.get(t.getMonthValue())) {
        t = t.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
      } else if (!dayMatches(t)) {
        t = t.truncatedTo(ChronoUnit.DAYS).plusDays(1);
      } else if (!hours.get(t.getHour())) {
        t = t.truncatedTo(ChronoUnit.HOURS).plusHours(1);
      } else if (!minutes.get(t.getMinute())) {
        t = t.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
      } else if (!seconds.get(t.getSecond())) {
        t = t.plusSeconds(1);
      } else {
        return t.toEpochSecond(ZoneOffset.UTC) * 1000;
      }
    }
    throw new IllegalStateException("no time matches within five years");
  }

  /** Cron's rule: when both day fields are restricted, either may match. */
  private boolean dayMatches(LocalDateTime t) {
    boolean day = days.get(t.getDayOfMonth());
    boolean weekday = weekdays.get(t.getDayOfWeek().getValue() % 7);
    if (anyDay) return weekday;
    if (anyWeekday) return day;
    return day || weekday;
  }

  private static BitSet single(int v) {
    BitSet b = new BitSet();
    b.set(v);
    return b;
  }

  private static BitSet field(String spec, int min, int max, String name) {
    BitSet out = new BitSet();
    for (String part : spec.split(",")) {
      String range = part;
      int step = 1;
      int slash = part.indexOf('/');
      if (slash >= 0) {
        range = part.substring(0, slash);
        step = number(part.substring(slash + 1), name);
        if (step < 1) throw bad(name, spec);
      }
      int from;
      int to;
      if (range.equals("*")) {
        from = min;
        to = max;
      } else if (range.contains("-")) {
        from = number(range.substring(0, range.indexOf('-')), name);
        to = number(range.substring(range.indexOf('-') + 1), name);
      } else {
        from = number(range, name);
        to = slash >= 0 ? max : from;
      }
      if (from < min || to > max || from > to) throw bad(name, spec);
      for (int v = from; v <= to; v += step) out.set(v);
    }
    return out;
  }

  private static int number(String s, String name) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw bad(name, s);
    }
  }

  private static IllegalArgumentException bad(String name, String spec) {
    return new IllegalArgumentException("The cron field " + name + " '" + spec + "' is not valid.");
  }
}
