package io.kwhisk.controller.throttle;

/**
 * One action queue as Kafka reports it: the end offset of its topic (its growth is what all
 * controllers produced, which gives each controller its share of the traffic) and the lag of its
 * share group (records not yet acknowledged, as the group's persisted state has them). The lag
 * under-reports records acquired by an invoker and not yet acknowledged, so {@code endOffset - lag}
 * is not used as the drain: {@link Admission} measures the drain from its own completions instead.
 */
public record QueueOffsets(long endOffset, long lag) {
  public QueueOffsets {
    if (lag < 0) throw new IllegalArgumentException("lag must not be negative, got " + lag);
  }
}
