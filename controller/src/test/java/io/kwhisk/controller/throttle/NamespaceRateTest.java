package io.kwhisk.controller.throttle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.Action;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OpenWhisk's {@code invocationsPerMinute}: a namespace starts at most so many invocations per
 * calendar minute.
 */
@Timeout(10)
class NamespaceRateTest {
  /**
   * 60,000 ms into an epoch minute (the ManualClock starts at 1,000,000 ms: minute 16, 40 s in).
   */
  static final long MINUTE = 60_000;

  final ManualClock clock = new ManualClock();
  int ids;

  static AdmissionSettings settings(Map<String, String> more) {
    Map<String, String> all =
        new java.util.HashMap<>(
            Map.of(
                AdmissionSettings.NAMESPACE_CONCURRENCY,
                "100000",
                AdmissionSettings.MIN_BACKLOG,
                "100000"));
    all.putAll(more);
    return AdmissionSettings.from(ConfigSource.of(all));
  }

  Admission admission(AdmissionSettings s) {
    return new Admission(s, clock, a -> 1, ns -> s.namespaceConcurrency());
  }

  int admitted(Admission admission, Action action, int tries) {
    int n = 0;
    for (int i = 0; i < tries; i++) if (admission.admit("id" + (ids++), action).isEmpty()) n++;
    return n;
  }

  @Test
  void aNamespaceIsAdmittedOpenWhisksDefault120TimesAMinuteThenRefusedUntilTheMinuteTurns() {
    Admission admission = admission(settings(Map.of()));
    Action hello = AdmissionTest.action("hello");
    clock.advance(MINUTE - Math.floorMod(clock.millis(), MINUTE) + 15_000); // 15 s into a minute

    assertThat(admitted(admission, hello, 120)).isEqualTo(120);
    Optional<Rejection> refused = admission.admit("one-more", hello);

    assertThat(refused)
        .hasValueSatisfying(
            r -> {
              assertThat(r.limit()).isEqualTo(Rejection.Limit.NAMESPACE_RATE);
              assertThat(r.message())
                  .isEqualTo("Too many requests in the last minute (count: 121, allowed: 120).");
              assertThat(r.retryAfterSeconds()).as("seconds to the minute's turn").isEqualTo(45);
            });
    clock.advance(44_999);
    assertThat(admitted(admission, hello, 1)).as("the same minute").isZero();
    clock.advance(1);
    assertThat(admitted(admission, hello, 120)).as("the next minute").isEqualTo(120);
  }

  @Test
  void completionsDoNotGiveBackAMinutesInvocationsButOtherNamespacesHaveTheirOwn() {
    Admission admission = admission(settings(Map.of(AdmissionSettings.NAMESPACE_PER_MINUTE, "5")));
    Action hello = AdmissionTest.action("hello");
    for (int i = 0; i < 5; i++) {
      assertThat(admission.admit("a" + i, hello)).isEmpty();
      admission.completed("a" + i);
    }
    assertThat(admission.admit("a5", hello))
        .hasValueSatisfying(r -> assertThat(r.limit()).isEqualTo(Rejection.Limit.NAMESPACE_RATE));
    assertThat(admitted(admission, AdmissionTest.action("other", "hello", 1, 60_000), 5))
        .isEqualTo(5);
  }

  @Test
  void aNamespacesOwnLimitReplacesTheDefaultForItAlone() {
    AdmissionSettings s = settings(Map.of(AdmissionSettings.NAMESPACE_PER_MINUTE, "5"));
    Admission admission =
        new Admission(
            s,
            clock,
            a -> 1,
            ns -> s.namespaceConcurrency(),
            ns -> ns.equals("vip") ? 12 : s.namespacePerMinute());
    clock.advance(MINUTE - Math.floorMod(clock.millis(), MINUTE) + 1_000);
    assertThat(admitted(admission, AdmissionTest.action("vip", "hello", 1, 60_000), 20))
        .isEqualTo(12);
    assertThat(admitted(admission, AdmissionTest.action("hello"), 20)).isEqualTo(5);
    assertThat(admission.namespacePerMinute("vip")).isEqualTo(12);
    assertThat(admission.namespacePerMinute("guest")).isEqualTo(5);
  }

  @Test
  void twoControllersEachAdmitTheirShareOfTheMinutesLimit() {
    int total = 0;
    for (int id = 0; id < 2; id++) {
      Admission admission =
          admission(
              settings(
                  Map.of(
                      AdmissionSettings.NAMESPACE_PER_MINUTE,
                      "7",
                      AdmissionSettings.CONTROLLERS,
                      "2",
                      AdmissionSettings.CONTROLLER_ID,
                      String.valueOf(id))));
      total += admitted(admission, AdmissionTest.action("hello"), 20);
    }
    assertThat(total).isEqualTo(7);
  }

  @Test
  void zeroTurnsTheLimitOffAndANegativeLimitNamesItsKey() {
    Admission admission = admission(settings(Map.of(AdmissionSettings.NAMESPACE_PER_MINUTE, "0")));
    assertThat(admitted(admission, AdmissionTest.action("hello"), 1000)).isEqualTo(1000);
    assertThat(admission.namespacePerMinute("guest")).isZero();
    assertThatThrownBy(() -> settings(Map.of(AdmissionSettings.NAMESPACE_PER_MINUTE, "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AdmissionSettings.NAMESPACE_PER_MINUTE);
  }

  @Test
  void theWaitIsTheTimeLeftInTheMinuteRoundedUpBetweenOneAndSixtySeconds() {
    assertThat(MinuteCount.secondsToNextMinute(0)).isEqualTo(60);
    assertThat(MinuteCount.secondsToNextMinute(59_999)).isEqualTo(1);
    assertThat(MinuteCount.secondsToNextMinute(30_500)).isEqualTo(30);
    assertThat(MinuteCount.secondsToNextMinute(30_000)).isEqualTo(30);
    assertThat(new MinuteCount(1, 3).plusOne(60_000)).isEqualTo(new MinuteCount(1, 4));
    assertThat(new MinuteCount(1, 3).plusOne(120_000)).isEqualTo(new MinuteCount(2, 1));
    assertThat(new MinuteCount(1, 3).minusOne(120_000))
        .as("the minute turned")
        .isEqualTo(new MinuteCount(1, 3));
  }
}
