package io.kwhisk.controller.trigger;

import java.time.Clock;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

/**
 * OpenWhisk's {@code firesPerMinute}: the trigger fires each namespace may make in one calendar
 * minute, a fixed window that starts again at zero at each minute's turn. Thread-safe; O(1) per
 * fire, no I/O.
 */
public final class FireRate {
  private record Window(long minute, int count) {}

  private final int perMinute;
  private final Clock clock;
  private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

  /** {@code perMinute} 0 means no limit. */
  public FireRate(int perMinute, Clock clock) {
    if (perMinute < 0)
      throw new IllegalArgumentException("perMinute must be 0 or more, got " + perMinute);
    this.perMinute = perMinute;
    this.clock = clock;
  }

  /**
   * Counts one fire of {@code namespace}; when it is over the limit it is not counted and the
   * answer is the seconds until the window turns (the {@code Retry-After}), else empty.
   */
  public OptionalInt tryFire(String namespace) {
    if (perMinute == 0) return OptionalInt.empty();
    long now = clock.millis();
    long minute = Math.floorDiv(now, 60_000L);
    boolean[] refused = new boolean[1];
    windows.compute(
        namespace,
        (ns, w) -> {
          if (w == null || w.minute != minute) return new Window(minute, 1);
          if (w.count >= perMinute) {
            refused[0] = true;
            return w;
          }
          return new Window(minute, w.count + 1);
        });
    if (!refused[0]) return OptionalInt.empty();
    long left = 60_000L - Math.floorMod(now, 60_000L);
    return OptionalInt.of((int) Math.max(1, (left + 999) / 1000));
  }

  public int perMinute() {
    return perMinute;
  }
}
