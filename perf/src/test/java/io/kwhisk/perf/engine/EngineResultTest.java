package io.kwhisk.perf.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class EngineResultTest {
  @Test
  void theRateIsContainersOverTheWindowToTheLastReadyOne() {
    EngineResult r =
        EngineResult.of(
            "img",
            128,
            4,
            2,
            2_000_000_000L,
            List.of(900_000_000L, 300_000_000L, 1_000_000_000L, 500_000_000L));

    assertThat(r.perSecond()).isEqualTo(2.0);
    assertThat(r.wallSeconds()).isEqualTo(2.0);
    assertThat(r.eachP50Ms()).isEqualTo(500.0);
    assertThat(r.eachMaxMs()).isEqualTo(1000.0);
    assertThat(r.line()).contains("4 containers, 2 in parallel: 2.00 s, 2.00 created+started/s");
  }
}
