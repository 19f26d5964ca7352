package io.kwhisk.perf.burst;

import io.kwhisk.common.entity.EntityName;
import io.kwhisk.perf.load.Label;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What {@code burst} runs: one cold burst per size in {@code sizes}, in order. Burst {@code b}
 * creates {@code sizes[b]} fresh noop actions named {@code prefix-runId-b-0 ..}, invokes each once,
 * all at the same instant, and deletes them afterwards unless {@code keep}. The run id makes the
 * names new on every run, so no container of an earlier run can serve them: every invoke of a burst
 * is meant to be a cold start.
 *
 * @param design the label of the system under test ({@code --design})
 * @param sizes the burst sizes N ({@code --actions})
 * @param prefix the first part of the action names ({@code --prefix})
 * @param runId a short id unique to this run ({@link Label#newRunId})
 * @param memoryMb the actions' memory limit, 0 for the platform's default ({@code --memory})
 * @param pause idle time between two bursts ({@code --pause})
 * @param keep leave each burst's actions in place instead of deleting them ({@code --keep})
 * @param oneAction burst-parallel ({@code --one-action}): each burst invokes one fresh action N
 *     times at the same instant instead of N fresh actions once each, so every container it needs
 *     is of the same action
 */
public record BurstPlan(
    String design,
    List<Integer> sizes,
    String prefix,
    String runId,
    int memoryMb,
    Duration pause,
    boolean keep,
    boolean oneAction) {
  /**
   * One client thread per invoke of a burst: beyond this, run the generator on more than one
   * machine.
   */
  public static final int MAX_SIZE = 1000;

  public static final List<Integer> DEFAULT_SIZES = List.of(10, 50);
  public static final String DEFAULT_PREFIX = "perf-burst";

  /**
   * Long enough for the deleted actions' containers of the previous burst to be removed before the
   * next burst asks for new ones (removal competes for the same CPU and Docker daemon).
   */
  public static final Duration DEFAULT_PAUSE = Duration.ofSeconds(5);

  /** Bursts of N fresh actions, one invoke each. */
  public BurstPlan(
      String design,
      List<Integer> sizes,
      String prefix,
      String runId,
      int memoryMb,
      Duration pause,
      boolean keep) {
    this(design, sizes, prefix, runId, memoryMb, pause, keep, false);
  }

  public BurstPlan {
    Label.require("--design", design);
    Label.require("--prefix", prefix);
    Label.require("run id", runId);
    Objects.requireNonNull(pause, "pause should not be null");
    sizes = List.copyOf(Objects.requireNonNull(sizes, "sizes should not be null"));
    if (sizes.isEmpty())
      throw new IllegalArgumentException("--actions should list at least one burst size");
    for (int n : sizes) {
      if (n < 1 || n > MAX_SIZE) {
        throw new IllegalArgumentException(
            "--actions: every burst size should be between 1 and "
                + MAX_SIZE
                + " (one client thread per invoke), was "
                + n);
      }
    }
    if (memoryMb < 0)
      throw new IllegalArgumentException("--memory should be >= 0 (0: the platform's default)");
    if (pause.isNegative()) throw new IllegalArgumentException("--pause should not be negative");
    // The fields are assigned only after this constructor: build the longest name from the
    // parameters.
    String longest = prefix + "-" + runId + "-" + (sizes.size() - 1) + "-" + (MAX_SIZE - 1);
    if (!EntityName.isValid(longest)) {
      throw new IllegalArgumentException(
          "--prefix "
              + prefix
              + " does not make valid action names (like "
              + longest
              + "): start it with a letter or digit and keep it under "
              + (EntityName.MAX_LENGTH - 20)
              + " characters");
    }
  }

  /** How many actions burst {@code index} creates: its size, or 1 for burst-parallel. */
  public int actionCount(int index) {
    return oneAction ? 1 : sizes.get(index);
  }

  /** The names of burst {@code index}'s actions are this plus {@code -0}, {@code -1}, ... */
  public String actionPrefix(int index) {
    return prefix + "-" + runId + "-" + index;
  }
}
