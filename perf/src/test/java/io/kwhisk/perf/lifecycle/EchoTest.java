package io.kwhisk.perf.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.perf.FakeWhisk;
import io.kwhisk.perf.lifecycle.Echo.Verdict;
import io.kwhisk.perf.load.ActivationAnswer;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EchoTest {
  private static ActivationAnswer answer(int status, String result) {
    return ActivationAnswer.of(status, FakeWhisk.record("a", "success", false, result));
  }

  @Test
  void anAnswerIsValidOnlyWhenItEchoesTheNSent() {
    assertThat(Echo.check(answer(200, "{\"n\":42}"), 42)).isEqualTo(Verdict.VALID);
    assertThat(Echo.check(answer(200, "{\"n\":42.0}"), 42))
        .as("the same number, another spelling")
        .isEqualTo(Verdict.VALID);
  }

  @Test
  void aWrongMissingOrNonNumericNIsAValidationFailure() {
    assertThat(Echo.check(answer(200, "{\"n\":43}"), 42)).isEqualTo(Verdict.INVALID);
    assertThat(Echo.check(answer(200, "{}"), 42)).isEqualTo(Verdict.INVALID);
    assertThat(Echo.check(answer(200, "{\"n\":\"42\"}"), 42)).isEqualTo(Verdict.INVALID);
    assertThat(Echo.check(answer(200, "{\"n\":42.5}"), 42)).isEqualTo(Verdict.INVALID);
    assertThat(Echo.check(answer(200, "[42]"), 42)).isEqualTo(Verdict.INVALID);
  }

  @Test
  void a200WhoseActivationDidNotSucceedOrCannotBeReadIsAValidationFailure() {
    assertThat(
            Echo.check(
                ActivationAnswer.of(
                    200, FakeWhisk.record("a", "application error", false, "{\"n\":42}")),
                42))
        .isEqualTo(Verdict.INVALID);
    assertThat(Echo.check(ActivationAnswer.of(200, "not json"), 42)).isEqualTo(Verdict.INVALID);
    assertThat(Echo.check(ActivationAnswer.of(200, ""), 42)).isEqualTo(Verdict.INVALID);
  }

  @Test
  void otherAnswersAreErrorsThrottledOrAcceptedNeverValid() {
    assertThat(Echo.check(answer(502, "{\"n\":42}"), 42)).isEqualTo(Verdict.ERROR);
    assertThat(Echo.check(ActivationAnswer.of(503, "{}"), 42)).isEqualTo(Verdict.ERROR);
    assertThat(Echo.check(ActivationAnswer.NONE, 42)).isEqualTo(Verdict.ERROR);
    assertThat(Echo.check(ActivationAnswer.of(429, "{}"), 42)).isEqualTo(Verdict.THROTTLED);
    assertThat(Echo.check(ActivationAnswer.of(202, "{\"activationId\":\"x\"}"), 42))
        .isEqualTo(Verdict.ACCEPTED);
  }

  @Test
  void everyRequestOfARunCarriesADistinctN() {
    Set<Long> seen = new HashSet<>();
    for (int user = 0; user < 7; user++) {
      for (int request = 0; request <= 5; request++)
        assertThat(seen.add(Echo.n(user, request, 5))).isTrue();
    }
    assertThat(Echo.params(9).toString()).isEqualTo("{\"n\":9}");
  }
}
