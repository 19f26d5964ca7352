package io.kwhisk.common.keepalive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeepAlivePolicyTest {
  private static final long MINUTE = 60_000;
  private final KeepAlivePolicy hybrid = KeepAlivePolicy.Hybrid.paper(Duration.ofMinutes(10));

  @Test
  void anActionCalledEveryThirtyMinutesIsReleasedBetweenCallsAndPrewarmedJustBeforeTheNext() {
    IdleTimeHistogram idle = new IdleTimeHistogram();
    for (int i = 0; i < 50; i++) idle.record(30 * MINUTE + 5_000);

    KeepAliveWindows w = hybrid.windows(idle);

    // head and tail both in the 30-minute bin: pre-warm at 27 minutes (30 less 10%), kept past 31
    // minutes.
    assertThat(w.prewarm()).isEqualTo(Duration.ofMinutes(27));
    assertThat(w.prewarm().plus(w.keepAlive())).isGreaterThanOrEqualTo(Duration.ofMinutes(31));
    assertThat(w.keepAlive()).isLessThan(Duration.ofMinutes(10));
  }

  @Test
  void aFrequentActionKeepsItsContainerOnlyAsLongAsItsGapsNeed() {
    IdleTimeHistogram idle = new IdleTimeHistogram();
    for (int i = 0; i < 1_000; i++)
      idle.record(i % 20 * 1_000); // gaps under 20 s: all in the first bin

    KeepAliveWindows w = hybrid.windows(idle);

    assertThat(w.prewarm()).isZero();
    assertThat(w.keepAlive()).isEqualTo(Duration.ofMillis(66_000)); // one minute, plus 10%
  }

  @Test
  void idleTimesWithoutAPatternGetTheFallbackWindow() {
    IdleTimeHistogram spread = new IdleTimeHistogram();
    for (int i = 0; i < 240; i++) spread.record(i * MINUTE); // one in every bin: CV 0
    IdleTimeHistogram few = new IdleTimeHistogram();
    for (int i = 0; i < 9; i++) few.record(30 * MINUTE);
    IdleTimeHistogram beyond = new IdleTimeHistogram();
    for (int i = 0; i < 20; i++) beyond.record(5 * 60 * MINUTE);

    for (IdleTimeHistogram h : new IdleTimeHistogram[] {spread, few, beyond}) {
      assertThat(hybrid.windows(h)).isEqualTo(KeepAliveWindows.keep(Duration.ofMinutes(10)));
    }
  }

  @Test
  void aFixedPolicyIgnoresTheIdleTimes() {
    IdleTimeHistogram idle = new IdleTimeHistogram();
    for (int i = 0; i < 50; i++) idle.record(30 * MINUTE);
    assertThat(new KeepAlivePolicy.Fixed(Duration.ofMinutes(10)).windows(idle))
        .isEqualTo(KeepAliveWindows.keep(Duration.ofMinutes(10)));
  }

  @Test
  void theHistogramCountsMinutesAndWhatFallsBeyondItsRange() {
    IdleTimeHistogram idle = new IdleTimeHistogram(10);
    idle.record(-5);
    idle.record(59_999);
    idle.record(3 * MINUTE);
    idle.record(10 * MINUTE);

    assertThat(idle.total()).isEqualTo(4);
    assertThat(idle.outOfBoundsShare()).isEqualTo(0.25);
    assertThat(idle.percentileBin(50)).isZero();
    assertThat(idle.percentileBin(100)).isEqualTo(3);
  }

  @Test
  void policiesAreNamedByKindAndWindowAndUnknownKindsAreRefused() {
    assertThat(Policies.of("fixed", Duration.ofMinutes(10)).name()).isEqualTo("fixed:10m");
    assertThat(Policies.of("hybrid", Duration.ofHours(4)).name()).isEqualTo("hybrid:4h");
    assertThatThrownBy(() -> Policies.of("lru", Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("fixed or hybrid");
  }

  @Test
  void aConfiguredPolicyIsParsedFromItsName() {
    assertThat(Policies.parse("fixed:10m"))
        .isEqualTo(new KeepAlivePolicy.Fixed(Duration.ofMinutes(10)));
    assertThat(Policies.parse("hybrid:4h"))
        .isEqualTo(KeepAlivePolicy.Hybrid.paper(Duration.ofHours(4)));
    assertThat(Policies.parse("hybrid:4h:7m"))
        .isEqualTo(KeepAlivePolicy.Hybrid.bounded(Duration.ofHours(4), Duration.ofMinutes(7)));
    assertThat(Policies.parse("hybrid:4h:7m").name()).isEqualTo("hybrid:4h,min:7m");
  }

  @Test
  void aPolicyNameThatIsNoneOfTheKnownFormsIsRefusedWithTheFormsItExpects() {
    for (String bad :
        new String[] {"lru:10m", "fixed", "fixed:10m:5m", "hybrid:soon", "fixed:0s"}) {
      assertThatThrownBy(() -> Policies.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad.contains("soon") ? "soon" : "");
    }
    assertThatThrownBy(() -> Policies.parse("lru:10m")).hasMessageContaining("hybrid:4h:7m");
  }
}
