package io.kwhisk.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.perf.FakeWhisk;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ActivationAnswerTest {
  private static final String COLD =
      "{\"activationId\":\"a\",\"start\":1700000000123,\"response\":{\"status\":"
          + "\"success\",\"result\":{\"n\":7}},\"annotations\":[{\"key\":\"waitTime\",\"value\":4},"
          + "{\"key\":\"initTime\",\"value\":321}]}";

  @Test
  void aColdRecordGivesItsStartItsInitTimeAndItsResult() {
    ActivationAnswer a = ActivationAnswer.of(200, COLD);

    assertThat(a.outcome()).isEqualTo(new Outcome(Outcome.Kind.OK, true));
    assertThat(a.startMillis()).isEqualTo(OptionalLong.of(1700000000123L));
    assertThat(a.initTimeMillis()).isEqualTo(OptionalLong.of(321));
    assertThat(a.result().path("n").asLong()).isEqualTo(7);
  }

  @Test
  void aWarmRecordHasAStartButNoInitTime() {
    ActivationAnswer a = ActivationAnswer.of(200, FakeWhisk.record("a", "success", false));

    assertThat(a.startMillis()).isPresent();
    assertThat(a.initTimeMillis()).isEmpty();
    assertThat(a.outcome().coldStart()).isFalse();
  }

  @Test
  void anAnswerWithoutARecordHasNoStartNoInitTimeAndNoResult() {
    for (ActivationAnswer a :
        new ActivationAnswer[] {
          ActivationAnswer.of(429, COLD), ActivationAnswer.of(200, "x"), ActivationAnswer.NONE
        }) {
      assertThat(a.startMillis()).isEmpty();
      assertThat(a.initTimeMillis()).isEmpty();
      assertThat(a.result().isMissingNode()).isTrue();
    }
    assertThat(ActivationAnswer.of(429, COLD).outcome().kind()).isEqualTo(Outcome.Kind.THROTTLED);
    assertThat(ActivationAnswer.of(200, "x").outcome()).isEqualTo(Outcome.FAILED);
  }
}
