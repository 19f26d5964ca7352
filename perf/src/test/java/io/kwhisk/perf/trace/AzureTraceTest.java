package io.kwhisk.perf.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AzureTraceTest {
  static final String INVOCATIONS =
      String.join(
          "\n",
          "HashFunction,HashApp,HashOwner,minute_1,minute_2,minute_3",
          "fnaaaaaaaaaaaaaa,app1,o1,2,0,1",
          "fnbbbbbbbbbbbbbb,app2,o2,10,20,30",
          "fncccccccccccccc,app9,o3,0,0,0");
  static final String DURATIONS =
      String.join(
          "\n",
          "HashFunction,HashApp,HashOwner,Count,Average,Minimum,Maximum,percentile_Average_0,percentile_Average_1,"
              + "percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,"
              + "percentile_Average_100",
          "fnaaaaaaaaaaaaaa,app1,o1,3,100,10,1000,10,10,50,100,200,900,1000",
          "fnbbbbbbbbbbbbbb,app2,o2,60,5,1,9,1,1,4,5,6,9,9");
  static final String MEMORY =
      String.join(
          "\n",
          "HashApp,HashOwner,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,"
              + "AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,"
              + "AverageAllocatedMb_pct99,AverageAllocatedMb_pct100",
          "app1,o1,5,300,100,150,200,320,400,500,600,700");

  static AzureTrace sample() {
    return AzureTrace.parse(INVOCATIONS, DURATIONS, MEMORY);
  }

  @Test
  void readsCountsPerMinuteAndPercentilesByColumnName() {
    AzureTrace trace = sample();

    assertThat(trace.minutes()).isEqualTo(3);
    TraceFunction a = trace.functions().get(0);
    assertThat(a.hash()).isEqualTo("fnaaaaaaaaaaaaaa");
    assertThat(a.shortName()).isEqualTo("fnaaaaaaaaaa");
    assertThat(a.perMinute()).containsExactly(2, 0, 1);
    assertThat(a.invocations(2)).isEqualTo(2);
    assertThat(a.durationMs().at(0.5)).isEqualTo(100);
    assertThat(a.durationMs().at(0.99)).isEqualTo(900);
    assertThat(a.memoryMb().median()).isEqualTo(320);
  }

  @Test
  void anApplicationWithoutMemoryRowAllocatesNothingAndAnUninvokedFunctionNeedsNoDurations() {
    AzureTrace trace = sample();

    assertThat(trace.functions())
        .extracting(TraceFunction::hash)
        .containsExactly("fnaaaaaaaaaaaaaa", "fnbbbbbbbbbbbbbb");
    assertThat(trace.functions().get(1).memoryMb().median()).isZero();
  }

  @Test
  void anInvokedFunctionWithoutDurationsIsAnErrorNamingIt() {
    String invocations = INVOCATIONS + "\nfndddddddddddddd,app1,o1,0,1,0";

    assertThatThrownBy(() -> AzureTrace.parse(invocations, DURATIONS, MEMORY))
        .hasMessageContaining("durations.csv has no row for function fndddddddddddddd")
        .hasMessageContaining("line 5");
  }

  @Test
  void theDatasetsOwnDayFilesNameTheirMinutesByNumberAndPutTheOwnerFirst() {
    String invocations =
        String.join(
            "\n",
            "HashOwner,HashApp,HashFunction,Trigger,1,2,3",
            "o1,app1,fnaaaaaaaaaaaaaa,http,4,5,6");

    AzureTrace trace = AzureTrace.parse(invocations, DURATIONS, MEMORY);

    assertThat(trace.functions())
        .singleElement()
        .satisfies(
            f -> {
              assertThat(f.perMinute()).containsExactly(4, 5, 6);
              assertThat(f.memoryMb().median()).isEqualTo(320);
            });
  }

  @Test
  void theSharedTenFunctionSliceInTheDayFilesSchemaReads() throws Exception {
    Path dir = Path.of("..", "..", "shared", "traces", "azure2019-10fn");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isDirectory(dir), "no shared traces here");

    AzureTrace trace = AzureTrace.read(dir);

    assertThat(trace.minutes()).isEqualTo(1440);
    assertThat(trace.functions()).hasSize(10);
  }

  @Test
  void aBadCountNamesTheFileLineAndColumn() {
    String invocations = INVOCATIONS.replace("10,20,30", "10,x,30");

    assertThatThrownBy(() -> AzureTrace.parse(invocations, DURATIONS, MEMORY))
        .hasMessageContaining("invocations.csv line 3, column minute_2");
  }

  @Test
  void theSharedHundredFunctionSliceHasTheCountsItsReadmeStates() throws Exception {
    Path dir = Path.of("..", "..", "shared", "traces", "azure2019-100fn");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        java.nio.file.Files.isDirectory(dir), "no shared traces here");

    AzureTrace trace = AzureTrace.read(dir);

    assertThat(trace.minutes()).isEqualTo(1440);
    assertThat(trace.functions().stream().mapToLong(f -> f.invocations(1440)).sum())
        .isEqualTo(666_572);
    assertThat(trace.functions().stream().mapToLong(f -> f.invocations(30)).sum())
        .isEqualTo(38_722);
    assertThat(trace.functions().stream().filter(f -> f.invocations(30) > 0).count()).isEqualTo(48);
  }

  @Test
  void percentilesInterpolateLinearlyAndStayFlatBeyondTheGivenRanks() {
    Percentiles p = new Percentiles(new double[] {1, 50, 100}, new double[] {10, 20, 40});

    assertThat(p.at(0)).isEqualTo(10);
    assertThat(p.at(0.01)).isEqualTo(10);
    assertThat(p.at(0.75)).isCloseTo(30, within(1e-9));
    assertThat(p.at(1)).isEqualTo(40);
  }

  @Test
  void percentilesThatTheTraceRoundedDownwardAreMadeNonDecreasing() {
    Percentiles p = new Percentiles(new double[] {25, 50, 75}, new double[] {5, 9, 8});

    assertThat(p.at(0.75)).isEqualTo(9);
    assertThat(p.at(0.6)).isEqualTo(9);
  }
}
