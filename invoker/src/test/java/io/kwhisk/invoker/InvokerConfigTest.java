package io.kwhisk.invoker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.IntNode;
import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.entity.ActionLimits;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.invoker.docker.ActionNetwork;
import io.kwhisk.invoker.proxy.HttpActionContainer;
import io.kwhisk.invoker.proxy.LogSource;
import io.kwhisk.invoker.proxy.ProxySettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class InvokerConfigTest {
  private static InvokerConfig parse(Map<String, String> values) {
    Map<String, String> all = new HashMap<>(values);
    all.putIfAbsent("kwhisk.kafka.bootstrap-servers", "localhost:9092");
    return InvokerConfig.from(ConfigSource.of(all));
  }

  @Test
  void kafkaClientPropertiesReachEveryClientOfTheInvoker() {
    InvokerConfig c =
        parse(
            Map.of(
                "kwhisk.kafka.client.security.protocol",
                "SASL_SSL",
                "kwhisk.kafka.client.sasl.mechanism",
                "SCRAM-SHA-512"));
    assertThat(c.kafka().clientConfig("invoker0"))
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("bootstrap.servers", "localhost:9092");
  }

  @Test
  void defaultsFollowTheContract() {
    InvokerConfig c = parse(Map.of());
    assertThat(c.invokerId()).isZero();
    assertThat(c.userMemoryMb()).isEqualTo(2048);
    assertThat(c.keepAlive()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.firstPullGrace()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.dockerHost()).isEqualTo("unix:///var/run/docker.sock");
    assertThat(c.network())
        .isEqualTo(
            new ActionNetwork(
                "kwhisk-actions", ActionNetwork.Isolation.IPTABLES, List.of(), "iptables"));
    assertThat(c.metricsPort()).isZero();
    ProxySettings proxy = c.proxySettings();
    assertThat(proxy.imageFor(new Exec("nodejs:20", "", null, false, null)))
        .hasValue("kwhisk/action-nodejs-v20:latest");
    assertThat(proxy.imageFor(new Exec("nodejs:default", "", null, false, null)))
        .hasValue("kwhisk/action-nodejs-v20:latest");
    assertThat(proxy.imageFor(new Exec("java", "", null, false, null)))
        .hasValue("kwhisk/action-java-v17:latest");
    assertThat(proxy.imageFor(new Exec("blackbox", null, null, false, "me/img:1")))
        .hasValue("me/img:1");
    assertThat(proxy.imageFor(new Exec("python:3", "", null, false, null)))
        .hasValue("kwhisk/action-python-v3:latest");
    assertThat(proxy.imageFor(new Exec("python:default", "", null, false, null)))
        .hasValue("kwhisk/action-python-v3:latest");
    assertThat(proxy.imageFor(new Exec("ruby:2.5", "", null, false, null))).isEmpty();
  }

  @Test
  void imagesAreOverriddenPerKindAndKeepTheOtherDefaults() {
    InvokerConfig c =
        parse(Map.of("kwhisk.invoker.images", "nodejs:20=reg:5000/node:1, python:3=py"));
    assertThat(c.images())
        .containsEntry("nodejs:20", "reg:5000/node:1")
        .containsEntry("python:3", "py")
        .containsEntry("java:17", "kwhisk/action-java-v17:latest");
  }

  @Test
  void containersOfConcurrencyOneAreCalledOverKeepAliveConnectionsUnlessTheJdkClientIsChosen() {
    assertThat(parse(Map.of()).runtimeClient())
        .isEqualTo(HttpActionContainer.ClientKind.KEEP_ALIVE);
    assertThat(parse(Map.of("kwhisk.invoker.runtime-client", " JDK ")).runtimeClient())
        .isEqualTo(HttpActionContainer.ClientKind.JDK);
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.runtime-client", "okhttp")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.runtime-client");
  }

  @Test
  void logsAreReadFromTheFileWhenReadableUnlessAnotherSourceIsChosen() {
    assertThat(parse(Map.of()).logSource()).isEqualTo(LogSource.AUTO);
    assertThat(parse(Map.of("kwhisk.invoker.log-source", " Stream ")).logSource())
        .isEqualTo(LogSource.STREAM);
    assertThat(parse(Map.of("kwhisk.invoker.log-source", "file")).logSource())
        .isEqualTo(LogSource.FILE);
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.log-source", "syslog")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.log-source");
  }

  @Test
  void aMalformedImageMapNamesItsKey() {
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.images", "nodejs:20")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.images");
  }

  @Test
  void invalidValuesNameTheirKey() {
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.user-memory-mb", "64")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.user-memory-mb");
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.keep-alive", "0s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.keep-alive");
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.id", "-1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.id");
    assertThatThrownBy(() -> InvokerConfig.from(ConfigSource.of(Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.kafka.bootstrap-servers");
  }

  @Test
  void prefetchDefaultsToTheActionsConcurrency() {
    ActionLimits limits = new ActionLimits(1000, 256, 10, 4);
    assertThat(parse(Map.of()).proxySettings().maxPollRecords(limits)).isEqualTo(4);
    assertThat(parse(Map.of("kwhisk.invoker.prefetch", "2")).proxySettings().maxPollRecords(limits))
        .isEqualTo(2);
  }

  @Test
  void timeoutsComeFromTheActionsLimit() {
    InvokerConfig c = parse(Map.of());
    ActionLimits limits = new ActionLimits(1500, 256, 10, 1);
    assertThat(c.proxySettings().runTimeout(limits)).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.proxySettings().initTimeout(limits)).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void anActionsKeepAliveAnnotationOverridesTheDefault() {
    ProxySettings c = parse(Map.of("kwhisk.invoker.keep-alive", "5s")).proxySettings();
    assertThat(c.keepAliveFor(Map.of("keepAlive", IntNode.valueOf(750))))
        .isEqualTo(Duration.ofMillis(750));
    assertThat(c.keepAliveFor(Map.of())).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void evictionPauseAndPrewarmHaveDocumentedDefaults() {
    InvokerConfig c = parse(Map.of());
    assertThat(c.evictionGrace()).isEqualTo(Duration.ofMillis(100));
    assertThat(c.pauseGrace()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.prewarm()).isEmpty();
    assertThat(c.prewarmStocks()).isEmpty();
    assertThat(c.poolMemoryMb()).isEqualTo(2048);
    assertThat(parse(Map.of("kwhisk.invoker.pause-grace", "0")).pauseGrace()).isZero();
  }

  @Test
  void withoutAFixedPrefetchAContainerMayHold25MillisecondsOfQueuedWork() {
    assertThat(parse(Map.of()).prefetch()).isZero();
    assertThat(parse(Map.of()).prefetchBudget()).isEqualTo(Duration.ofMillis(25));
    assertThat(parse(Map.of("kwhisk.invoker.prefetch-budget", "0")).prefetchBudget()).isZero();
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.prefetch-budget", "-1ms")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.prefetch-budget");
  }

  @Test
  void thePauseGraceStretchesToTenSecondsByDefaultAndNeverBelowItsMinimum() {
    assertThat(parse(Map.of()).pauseGraceMax()).isEqualTo(Duration.ofSeconds(10));
    assertThat(parse(Map.of("kwhisk.invoker.pause-grace", "30s")).pauseGraceMax())
        .as("a minimum above the default maximum fixes the grace")
        .isEqualTo(Duration.ofSeconds(30));
    assertThat(parse(Map.of("kwhisk.invoker.pause-grace-max", "1s")).pauseGraceMax())
        .isEqualTo(Duration.ofSeconds(1));
    assertThatThrownBy(
            () ->
                parse(
                    Map.of(
                        "kwhisk.invoker.pause-grace",
                        "2s",
                        "kwhisk.invoker.pause-grace-max",
                        "1s")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.pause-grace-max");
  }

  @Test
  void prewarmIsParsedPerKindAndItsMemoryIsSetApartFromThePools() {
    InvokerConfig c =
        parse(
            Map.of(
                "kwhisk.invoker.prewarm",
                "nodejs:20=1, nodejs=1, java:17=0",
                "kwhisk.invoker.prewarm-memory-mb",
                "256"));
    assertThat(c.prewarm()).isEqualTo(Map.of("nodejs:20", 1, "nodejs", 1, "java:17", 0));
    assertThat(c.prewarmStocks())
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.image()).isEqualTo("kwhisk/action-nodejs-v20:latest");
              assertThat(s.count()).as("kinds sharing an image share the stock").isEqualTo(2);
              assertThat(s.memoryMb()).isEqualTo(256);
            });
    assertThat(c.poolMemoryMb()).isEqualTo(2048 - 512);
  }

  @Test
  void invalidEvictionPauseAndPrewarmSettingsNameTheirKey() {
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.prewarm", "cobol=1")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.prewarm");
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.prewarm", "nodejs:20=x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.prewarm");
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.prewarm", "nodejs:20=8")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.prewarm");
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.prewarm-memory-mb", "64")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.prewarm-memory-mb");
  }

  @Test
  void containersGetTheApiHostAndAboveAConcurrencyOfOneMayRunActivationsAtOnce() {
    assertThat(parse(Map.of()).containerEnv(1)).isEmpty();
    InvokerConfig config = parse(Map.of("kwhisk.invoker.api-host", "http://172.17.0.1:3233"));
    assertThat(config.containerEnv(1))
        .containsExactly(Map.entry("__OW_API_HOST", "http://172.17.0.1:3233"));
    assertThat(config.containerEnv(4)).containsEntry("__OW_ALLOW_CONCURRENT", "true");
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.api-host", "172.17.0.1:3233")))
        .hasMessageContaining("kwhisk.invoker.api-host");
  }

  @Test
  void containerCreationParallelismDefaultsToTheEnginesBestAndIsBounded() {
    assertThat(parse(Map.of()).containerCreateParallelism()).isEqualTo(16);
    assertThat(
            parse(Map.of("kwhisk.invoker.container-create-parallelism", "4"))
                .containerCreateParallelism())
        .isEqualTo(4);
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.container-create-parallelism", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.container-create-parallelism");
    assertThatThrownBy(() -> parse(Map.of("kwhisk.invoker.container-create-parallelism", "65")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kwhisk.invoker.container-create-parallelism");
  }
}
