package io.kwhisk.perf.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.json.Json;
import io.kwhisk.perf.load.ActivationAnswer;
import io.kwhisk.perf.load.Outcome;
import java.math.BigDecimal;

/**
 * The echo action {@code lifecycle} invokes and the check every one of its answers goes through.
 * Each request carries a distinct {@code n}; an answer is {@link Verdict#VALID} only when it is a
 * 200 whose activation record succeeded with {@code response.result.n} equal to the {@code n} sent,
 * so an answer meant for another request (or another action) is caught, not counted as a success.
 */
public final class Echo {
  public static final String CODE = "function main(p) { return {n: p.n}; }";

  /** Distinct values of n stay exact in a JavaScript number (2^53) far below this. */
  static final long MAX_REQUESTS = 1L << 40;

  /**
   * What one answer came to. Every answer lands in exactly one verdict.
   *
   * <ul>
   *   <li>{@link #VALID}: 200, a successful activation, {@code response.result.n} equals the {@code
   *       n} sent.
   *   <li>{@link #INVALID}: 200 but anything else: a wrong or missing {@code n}, an activation that
   *       did not succeed, an unreadable body. The platform said yes and was wrong: a validation
   *       failure.
   *   <li>{@link #THROTTLED}: 429. {@link #ACCEPTED}: 202, the blocking wait expired.
   *   <li>{@link #ERROR}: any other status (502 and 5xx included), or no answer (connection
   *       failure, timeout).
   * </ul>
   */
  public enum Verdict {
    VALID,
    INVALID,
    THROTTLED,
    ACCEPTED,
    ERROR
  }

  private Echo() {}

  /**
   * The {@code n} of user {@code user}'s request {@code request} (0: the start), distinct across a
   * run.
   */
  public static long n(int user, int request, int requestsPerUser) {
    return (long) user * (requestsPerUser + 1) + request + 1;
  }

  public static ObjectNode params(long n) {
    return Json.object().put("n", n);
  }

  public static Verdict check(ActivationAnswer answer, long sent) {
    switch (answer.status()) {
      case 200:
        JsonNode n = answer.result().path("n");
        boolean echoed = n.isNumber() && n.decimalValue().compareTo(BigDecimal.valueOf(sent)) == 0;
        return answer.outcome().kind() == Outcome.Kind.OK && echoed
            ? Verdict.VALID
            : Verdict.INVALID;
      case 429:
        return Verdict.THROTTLED;
      case 202:
        return Verdict.ACCEPTED;
      default:
        return Verdict.ERROR;
    }
  }

  /** A one-line account of an invalid answer, for the progress stream. */
  static String describe(String action, long sent, ActivationAnswer answer) {
    String result =
        answer.record().isMissingNode()
            ? "no readable activation record"
            : "response " + answer.record().path("response");
    if (result.length() > 200) result = result.substring(0, 200) + "...";
    return "validation failure: "
        + action
        + " sent n="
        + sent
        + ", got "
        + answer.status()
        + " with "
        + result;
  }
}
