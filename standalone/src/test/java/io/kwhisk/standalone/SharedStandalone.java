package io.kwhisk.standalone;

import static org.awaitility.Awaitility.await;

import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.controller.admin.NamespaceAdmin;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One standalone shared by the integration tests that leave it as they found it (issue 16: each
 * start costs a broker, a controller, an invoker and cold containers). The first test class that
 * registers this extension starts it; it is closed when the whole test run ends (a value of the
 * root context's store), so classes run one after another on the same platform.
 *
 * <p>Each class is a user of its own namespace, named after the class and created through the
 * operator's path ({@link NamespaceAdmin}), so that actions, packages, triggers, activation lists
 * and per-namespace limits of two classes never meet. A class that stops or restarts a component,
 * or that needs a setting other than {@link #SETTINGS}, starts its own standalone instead.
 *
 * <p>Usage: {@code @RegisterExtension static final SharedStandalone platform = new
 * SharedStandalone();} then {@link #api()} in the class's {@code @BeforeAll} or its tests.
 */
final class SharedStandalone implements BeforeAllCallback {
  /** The settings of the shared standalone, the union of what its classes need. */
  static final Map<String, String> SETTINGS =
      Map.of(
          "kwhisk.controller.port", "0",
          "kwhisk.controller.blocking-wait", "60s",
          "kwhisk.invoker.keep-alive", "30s");

  private static final ExtensionContext.Namespace STORE =
      ExtensionContext.Namespace.create(SharedStandalone.class);

  private volatile WhiskApi api;

  /** The REST API as the user of this class's own namespace; set before the class's tests run. */
  WhiskApi api() {
    if (api == null) throw new IllegalStateException("the extension has not run yet");
    return api;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Standalone standalone =
        context
            .getRoot()
            .getStore(STORE)
            .getOrComputeIfAbsent(Platform.class, key -> Platform.start(), Platform.class)
            .standalone();
    String namespace = namespaceOf(context.getRequiredTestClass());
    String auth;
    try (NamespaceAdmin admin =
        NamespaceAdmin.open(KafkaSettings.of(standalone.kafkaBootstrapServers()), 1)) {
      auth = admin.create(namespace).pair();
    }
    WhiskApi user = new WhiskApi(standalone.apiHost(), auth, namespace);
    // The controller knows the namespace once its entity reader reaches the write.
    await().atMost(Duration.ofSeconds(30)).until(() -> user.get("/actions").statusCode() == 200);
    api = user;
  }

  /** {@code LargeCodeIT} -> {@code large-code}. */
  static String namespaceOf(Class<?> testClass) {
    String name = testClass.getSimpleName().replaceFirst("IT$", "");
    return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
  }

  /** The started standalone and its data directory, both gone when the root store closes. */
  private record Platform(Standalone standalone, Path dataDir) implements AutoCloseable {
    static Platform start() {
      Path dataDir = null;
      try {
        dataDir = Files.createTempDirectory("kwhisk-shared-standalone");
        Map<String, String> settings = new HashMap<>(SETTINGS);
        settings.put("kwhisk.standalone.data-dir", dataDir.toString());
        return new Platform(Standalone.start(ConfigSource.fromEnvironment(settings)), dataDir);
      } catch (Exception e) {
        if (dataDir != null) delete(dataDir);
        throw new IllegalStateException("the shared standalone did not start", e);
      }
    }

    @Override
    public void close() {
      try {
        standalone.close();
      } finally {
        delete(dataDir);
      }
    }

    private static void delete(Path dir) {
      try (Stream<Path> files = Files.walk(dir)) {
        files
            .sorted(Comparator.reverseOrder())
            .forEach(
                f -> {
                  try {
                    Files.deleteIfExists(f);
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
