package io.kwhisk.controller.trigger;

import io.kwhisk.controller.entity.AlarmEntry;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in alarms feed's clock: every {@code tick} it looks at the alarms (the entities
 * topic's, in memory) and fires those that are due, on its own thread ({@code kwhisk-alarms}).
 * Alarms live in Kafka, so a restarted controller keeps them (it fires from its start on: fires
 * missed while no controller ran are skipped, as OpenWhisk's alarms provider does). With several
 * controllers only the owner of {@code alarm:<ns>/<trigger>} (the scheduling group's partition of
 * that path) fires it, so each alarm fires once.
 */
public final class AlarmClock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AlarmClock.class);

  private final Supplier<List<AlarmEntry>> alarms;
  private final Predicate<String> owns;
  private final Consumer<AlarmEntry> fire;
  private final Clock clock;
  private final ScheduledExecutorService thread =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "kwhisk-alarms");
            t.setDaemon(true);
            return t;
          });

  /** Next fire per alarm (key and creation time), touched by the clock's thread only. */
  private final Map<String, Long> next = new HashMap<>();

  public AlarmClock(
      Supplier<List<AlarmEntry>> alarms,
      Predicate<String> owns,
      Consumer<AlarmEntry> fire,
      Clock clock) {
    this.alarms = alarms;
    this.owns = owns;
    this.fire = fire;
    this.clock = clock;
  }

  public AlarmClock start(Duration tick) {
    thread.scheduleAtFixedRate(this::tick, tick.toMillis(), tick.toMillis(), TimeUnit.MILLISECONDS);
    return this;
  }

  /** The path whose owner fires the alarm. */
  public static String path(AlarmEntry alarm) {
    return "alarm:" + alarm.namespace() + "/" + alarm.trigger();
  }

  /** The first fire of {@code alarm} strictly after {@code after}, if any remains. */
  public static OptionalLong nextFire(AlarmEntry alarm, long after) {
    if (alarm.cron() != null) return OptionalLong.of(Cron.parse(alarm.cron()).next(after));
    if (alarm.intervalMinutes() != null) {
      long period = alarm.intervalMinutes() * 60_000L;
      long n = Math.max(0, Math.floorDiv(after - alarm.created(), period) + 1);
      return OptionalLong.of(alarm.created() + n * period);
    }
    if (alarm.once() != null && alarm.once() > after) return OptionalLong.of(alarm.once());
    return OptionalLong.empty();
  }

  void tick() {
    try {
      long now = clock.millis();
      Set<String> seen = new HashSet<>();
      for (AlarmEntry alarm : alarms.get()) {
        String id = alarm.key() + "@" + alarm.created();
        if (!owns.test(path(alarm))) continue;
        seen.add(id);
        Long due = next.get(id);
        if (due == null) {
          next.put(id, nextFire(alarm, now).orElse(Long.MAX_VALUE));
        } else if (due <= now) {
          fire.accept(alarm);
          next.put(id, nextFire(alarm, now).orElse(Long.MAX_VALUE));
        }
      }
      next.keySet().retainAll(seen);
    } catch (RuntimeException e) {
      log.warn("alarm tick failed: {}", e.toString());
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
