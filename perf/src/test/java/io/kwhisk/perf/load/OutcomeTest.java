package io.kwhisk.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.kwhisk.perf.FakeWhisk;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class OutcomeTest {
  @Test
  void aSuccessfulRecordWithAnInitTimeAnnotationIsAnOkColdStart() {
    assertThat(Outcome.of(200, FakeWhisk.record("a", "success", true)))
        .isEqualTo(new Outcome(Outcome.Kind.OK, true));
  }

  @Test
  void aSuccessfulRecordWithoutInitTimeIsWarm() {
    assertThat(Outcome.of(200, FakeWhisk.record("a", "success", false)))
        .isEqualTo(new Outcome(Outcome.Kind.OK, false));
  }

  @Test
  void aRecordThatIsNotSuccessIsAnErrorEvenWithStatus200() {
    assertThat(Outcome.of(200, FakeWhisk.record("a", "whisk internal error", false)).kind())
        .isEqualTo(Outcome.Kind.ERROR);
  }

  @Test
  void aFailedActivationIsAnErrorAndStillCountsItsColdStart() {
    assertThat(Outcome.of(502, FakeWhisk.record("a", "application error", true)))
        .isEqualTo(new Outcome(Outcome.Kind.ERROR, true));
  }

  @Test
  void blockingWaitExpiredIsAcceptedAndThrottlingIsThrottled() {
    assertThat(Outcome.of(202, "{\"activationId\":\"x\"}").kind()).isEqualTo(Outcome.Kind.ACCEPTED);
    assertThat(Outcome.of(429, "{\"error\":\"too many\"}").kind())
        .isEqualTo(Outcome.Kind.THROTTLED);
  }

  @Test
  void unreadableBodiesAndOtherStatusesAreErrors() {
    assertThat(Outcome.of(200, "not json")).isEqualTo(Outcome.FAILED);
    assertThat(Outcome.of(200, "")).isEqualTo(Outcome.FAILED);
    assertThat(Outcome.of(503, FakeWhisk.record("a", "success", false))).isEqualTo(Outcome.FAILED);
    assertThat(Outcome.of(401, "{}")).isEqualTo(Outcome.FAILED);
  }

  @Test
  void theStreamingVerdictOnABodyEqualsTheVerdictOnItsParsedRecord() throws Exception {
    List<String> bodies =
        List.of(
            FakeWhisk.record("a", "success", true),
            FakeWhisk.record("a", "success", false),
            FakeWhisk.record("a", "application error", true),
            "{\"response\":{\"status\":\"success\"}}",
            "{\"response\":{\"status\":\"success\"},\"annotations\":[{\"key\":\"initTime\",\"value\":3}]}",
            "{\"response\":{\"status\":{\"nested\":1}},\"annotations\":[1,{\"key\":1}]}",
            "{}",
            "[]",
            "{\"response\":{\"status\":\"success\"}",
            "not json",
            "");
    for (int status : new int[] {200, 502}) {
      for (String body : bodies) {
        assertThat(Outcome.of(status, body))
            .as("%d %s", status, body)
            .isEqualTo(ActivationAnswer.of(status, body).outcome());
      }
    }
  }

  @Test
  void aDirectRunAnswerIsOkOnlyWhenItIsA200CarryingOneJsonObject() {
    assertThat(Outcome.ofRun(200, "{}")).isEqualTo(new Outcome(Outcome.Kind.OK, false));
    assertThat(Outcome.ofRun(200, "{\"a\":{\"b\":[1]}}").kind()).isEqualTo(Outcome.Kind.OK);
    assertThat(Outcome.ofRun(200, "{\"a\":1")).isEqualTo(Outcome.FAILED);
    assertThat(Outcome.ofRun(200, "[]")).isEqualTo(Outcome.FAILED);
    assertThat(Outcome.ofRun(502, "{\"error\":\"x\"}")).isEqualTo(Outcome.FAILED);
  }
}
