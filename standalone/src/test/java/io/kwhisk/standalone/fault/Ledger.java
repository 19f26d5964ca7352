package io.kwhisk.standalone.fault;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * Accepted versus recorded: every activation the API accepted (200 or 202) with the input it was
 * given, and what the API later shows for it. Each must end with exactly one record whose result
 * echoes its input; the rest is counted as lost (no record), wrong (a record with another result),
 * duplicated (listed more than once) or unlisted (readable by id, missing from its action's list).
 */
final class Ledger {
  /** Activation id to the input tag it was invoked with. */
  final Map<String, String> accepted = new ConcurrentHashMap<>();

  /** When each accepted activation was accepted (epoch ms). */
  final Map<String, Long> acceptedAt = new ConcurrentHashMap<>();

  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger failedCalls = new AtomicInteger();

  /**
   * The input tags of the calls that got no answer (their controller died): accepted or not, nobody
   * knows.
   */
  final Queue<String> unanswered = new ConcurrentLinkedQueue<>();

  final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();

  /** The first answer of each refusing status (what a 503 said, say). */
  final Map<Integer, String> firstRefusals = new ConcurrentHashMap<>();

  void accepted(String id, String tag, long at) {
    accepted.put(id, tag);
    acceptedAt.put(id, at);
  }

  /** The slowest answer of each status, in ms. */
  final Map<Integer, LongAccumulator> slowestMs = new ConcurrentHashMap<>();

  /** Refusals (any status but 200, 202 and a record's 500 or 502) without an {error, code} body. */
  final AtomicInteger refusalsWithoutError = new AtomicInteger();

  void status(int code) {
    statuses.computeIfAbsent(code, c -> new AtomicInteger()).incrementAndGet();
  }

  /** The calls without answer by what failed them (the exception's class and message). */
  final Map<String, AtomicInteger> failures = new ConcurrentHashMap<>();

  void failed(Throwable e, long ms) {
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    String what =
        cause.getClass().getSimpleName()
            + ": "
            + cause.getMessage()
            + " (after ~"
            + ms / 1000
            + " s)";
    failures.computeIfAbsent(what, w -> new AtomicInteger()).incrementAndGet();
  }

  /**
   * The refusals by status, error message and whether they took more than a second: which refusal
   * was fast, and which waited for a timeout.
   */
  final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();

  void refused(int code, String error, long ms) {
    String what = code + " " + error + (ms > 1000 ? " (after more than 1 s)" : " (within 1 s)");
    refusals.computeIfAbsent(what, w -> new AtomicInteger()).incrementAndGet();
  }

  void answered(int code, long ms) {
    slowestMs.computeIfAbsent(code, c -> new LongAccumulator(Math::max, 0)).accumulate(ms);
  }

  /** What the check found. */
  record Outcome(
      int accepted,
      int recorded,
      int lost,
      int wrong,
      int duplicated,
      int unlisted,
      int errors,
      long lastEndAfterFaultMs) {
    /**
     * Fails unless every accepted activation ended with exactly one record, and that record's
     * result matches its input: none lost, wrong or duplicated.
     */
    void assertNoneLostWrongOrDuplicated() {
      assertThat(lost).as("lost (%s)", this).isZero();
      assertThat(wrong).as("wrong (%s)", this).isZero();
      assertThat(duplicated).as("duplicated (%s)", this).isZero();
    }

    @Override
    public String toString() {
      return "accepted="
          + accepted
          + " recorded="
          + recorded
          + " lost="
          + lost
          + " wrong="
          + wrong
          + " duplicated="
          + duplicated
          + " unlisted="
          + unlisted
          + " errorRecords="
          + errors
          + " lastActivationAcceptedBeforeTheFaultCompletedAfterMs="
          + lastEndAfterFaultMs;
    }
  }
}
