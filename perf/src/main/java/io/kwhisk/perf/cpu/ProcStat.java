package io.kwhisk.perf.cpu;

/**
 * The fields of {@code /proc/<pid>/stat} (or {@code /proc/<pid>/task/<tid>/stat}) that CPU
 * accounting needs. {@code utime} and {@code stime} are in clock ticks ({@code getconf CLK_TCK},
 * usually 100: 10 ms granularity, fine over a window of seconds); {@code startTime} (ticks since
 * boot) tells a reused pid or tid from the old one.
 */
record ProcStat(String comm, long utime, long stime, long startTime) {
  /**
   * Fields after the command, counted from 1 as in proc(5): utime is 14, stime 15, starttime 22.
   */
  private static final int UTIME = 14;

  private static final int STIME = 15;
  private static final int START_TIME = 22;

  long ticks() {
    return utime + stime;
  }

  /**
   * Parses one stat line. The command (field 2) is in parentheses and may itself contain spaces and
   * parentheses, so the fields after it are counted from the last {@code ')'}.
   */
  static ProcStat parse(String line) {
    int open = line.indexOf('(');
    int close = line.lastIndexOf(')');
    if (open < 0 || close < open) throw new IllegalArgumentException("not a stat line: " + line);
    String[] rest = line.substring(close + 1).trim().split("\\s+");
    // rest[0] is field 3 (state).
    return new ProcStat(
        line.substring(open + 1, close),
        Long.parseLong(rest[UTIME - 3]),
        Long.parseLong(rest[STIME - 3]),
        Long.parseLong(rest[START_TIME - 3]));
  }
}
