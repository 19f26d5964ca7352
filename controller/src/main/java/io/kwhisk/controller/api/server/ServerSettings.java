package io.kwhisk.controller.api.server;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Collections;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * How the controller's listeners are set up ({@code kwhisk.controller.tls.*}, {@code
 * kwhisk.controller.metrics-*}), read once at start-up and validated here; errors name the key.
 *
 * @param tls when present, the API listener ({@code kwhisk.controller.port}) speaks HTTPS only,
 *     with the key and certificate of this keystore; absent (the default), plain HTTP, for a
 *     reverse proxy that terminates TLS
 * @param metricsPort {@code 0} (the default): {@code GET /metrics} is served on the API listener,
 *     as before; a port: on a listener of its own, and the API listener answers 404 there, so an
 *     installation keeps metrics off the public address
 * @param metricsHost the interface the metrics listener binds to (default {@code 0.0.0.0})
 */
public record ServerSettings(Optional<Tls> tls, int metricsPort, String metricsHost) {

  public static final String KEYSTORE = "kwhisk.controller.tls.keystore";
  public static final String KEYSTORE_PASSWORD = "kwhisk.controller.tls.keystore-password";
  public static final String KEYSTORE_TYPE = "kwhisk.controller.tls.keystore-type";
  public static final String METRICS_PORT = "kwhisk.controller.metrics-port";
  public static final String METRICS_HOST = "kwhisk.controller.metrics-host";

  public ServerSettings {
    Objects.requireNonNull(tls, "tls should not be null");
    if (metricsPort < 0 || metricsPort > 65535) {
      throw new ConfigException(
          METRICS_PORT,
          "must be a TCP port, or 0 to serve /metrics on the API's, got " + metricsPort);
    }
    if (metricsHost == null || metricsHost.isBlank())
      throw new ConfigException(METRICS_HOST, "must not be empty");
  }

  public static ServerSettings from(ConfigSource source) {
    Optional<Tls> tls =
        source
            .get(KEYSTORE)
            .map(
                path ->
                    Tls.load(
                        Path.of(path),
                        source.get(KEYSTORE_PASSWORD).orElse(""),
                        source.string(KEYSTORE_TYPE, "PKCS12")));
    if (tls.isEmpty() && source.get(KEYSTORE_PASSWORD).isPresent()) {
      throw new ConfigException(KEYSTORE, "is required when " + KEYSTORE_PASSWORD + " is set");
    }
    return new ServerSettings(
        tls, source.integer(METRICS_PORT, 0), source.string(METRICS_HOST, "0.0.0.0"));
  }

  /** Plain HTTP, metrics on the API listener: the defaults. */
  public static ServerSettings defaults() {
    return new ServerSettings(Optional.empty(), 0, "0.0.0.0");
  }

  /**
   * A keystore that opened with its password and holds a private key: checked at start-up, so a
   * wrong path, type or password fails the start naming its key instead of the first handshake. The
   * password is not kept.
   */
  public static final class Tls {
    private final Path keystore;
    private final String type;
    private final SSLContext context;

    private Tls(Path keystore, String type, SSLContext context) {
      this.keystore = keystore;
      this.type = type;
      this.context = context;
    }

    static Tls load(Path path, String password, String type) {
      if (!Files.isReadable(path)) throw new ConfigException(KEYSTORE, "cannot read " + path);
      KeyStore store;
      try {
        store = KeyStore.getInstance(type);
      } catch (GeneralSecurityException e) {
        throw new ConfigException(
            KEYSTORE_TYPE, "unknown keystore type '" + type + "' (PKCS12 or JKS)");
      }
      char[] secret = password.toCharArray();
      try (InputStream in = Files.newInputStream(path)) {
        store.load(in, secret);
      } catch (IOException e) {
        // PKCS12 and JKS report a wrong password as an IOException caused by an
        // UnrecoverableKeyException.
        if (e.getCause() instanceof java.security.UnrecoverableKeyException) {
          throw new ConfigException(KEYSTORE_PASSWORD, "does not open " + path);
        }
        throw new ConfigException(
            KEYSTORE, "cannot load " + path + " as " + type + ": " + e.getMessage());
      } catch (GeneralSecurityException e) {
        throw new ConfigException(
            KEYSTORE, "cannot load " + path + " as " + type + ": " + e.getMessage());
      }
      try {
        boolean hasKey = false;
        for (String alias : Collections.list(store.aliases())) hasKey |= store.isKeyEntry(alias);
        if (!hasKey) throw new ConfigException(KEYSTORE, path + " holds no private key");
        KeyManagerFactory keys =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, secret);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return new Tls(path, type, context);
      } catch (java.security.UnrecoverableKeyException e) {
        throw new ConfigException(KEYSTORE_PASSWORD, "does not open the private key of " + path);
      } catch (GeneralSecurityException e) {
        throw new ConfigException(KEYSTORE, "cannot use " + path + ": " + e.getMessage());
      }
    }

    public SSLContext context() {
      return context;
    }

    public Path keystore() {
      return keystore;
    }

    @Override
    public String toString() {
      return "Tls[keystore=" + keystore + ", type=" + type + "]";
    }
  }
}
