package io.kwhisk.perf.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MemoryTimeTest {
  static final long S = 1_000_000_000L;

  @Test
  void aContainerCountsItsLimitFromTheListingThatSawItToTheNext() {
    MemoryTime m = new MemoryTime();
    MemoryTime.Container a = new MemoryTime.Container("fa", 256);
    MemoryTime.Container b = new MemoryTime.Container("fb", 512);

    m.observe(0, Map.of("1", a));
    m.observe(4 * S, Map.of("1", a, "2", b));
    m.observe(6 * S, Map.of("2", b));
    m.observe(10 * S, Map.of());

    assertThat(m.gbSeconds("fa")).isCloseTo(0.25 * 6, within(1e-9));
    assertThat(m.gbSeconds("fb")).isCloseTo(0.5 * 6, within(1e-9));
    assertThat(m.totalGbSeconds()).isCloseTo(4.5, within(1e-9));
    assertThat(m.alive()).isZero();
  }

  @Test
  void oneListingAloneCountsNothingYet() {
    MemoryTime m = new MemoryTime();
    m.observe(5 * S, Map.of("1", new MemoryTime.Container("", 1024)));

    assertThat(m.totalGbSeconds()).isZero();
    assertThat(m.alive()).isEqualTo(1);
  }

  @Test
  void listingsOutOfOrderAreRejected() {
    MemoryTime m = new MemoryTime();
    m.observe(5 * S, Map.of());

    assertThatThrownBy(() -> m.observe(4 * S, Map.of())).hasMessageContaining("time order");
  }
}
