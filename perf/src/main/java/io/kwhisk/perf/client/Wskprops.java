package io.kwhisk.perf.client;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;

/**
 * Where and as whom to reach kwhisk, read from a {@code wsk}-style properties file ({@code
 * APIHOST}, {@code AUTH}, optional {@code NAMESPACE}). An {@code APIHOST} without a scheme (the
 * {@code wsk} CLI convention, {@code localhost:3233}) means plain {@code http}.
 */
public record Wskprops(String apiHost, String auth, String namespace) {
  /** OpenWhisk's alias for the namespace that belongs to the key. */
  public static final String DEFAULT_NAMESPACE = "_";

  public Wskprops {
    Objects.requireNonNull(apiHost, "apiHost should not be null");
    Objects.requireNonNull(auth, "auth should not be null");
    if (!auth.contains(":")) throw new IllegalArgumentException("AUTH should be uuid:key");
    apiHost = apiHost.contains("://") ? apiHost : "http://" + apiHost;
    namespace = namespace == null || namespace.isBlank() ? DEFAULT_NAMESPACE : namespace;
  }

  /** Never shows the key. */
  @Override
  public String toString() {
    return "Wskprops[" + apiHost + ", " + namespace + "]";
  }

  public static Wskprops read(Path file) throws IOException {
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      p.load(in);
    }
    String apiHost = p.getProperty("APIHOST");
    String auth = p.getProperty("AUTH");
    if (apiHost == null || auth == null) {
      throw new IOException(file + " should define APIHOST and AUTH");
    }
    return new Wskprops(apiHost.trim(), auth.trim(), p.getProperty("NAMESPACE"));
  }

  public WhiskClient client() {
    return new WhiskClient(apiHost, auth, namespace);
  }

  public WhiskClient client(Duration requestTimeout) {
    return new WhiskClient(apiHost, auth, namespace, requestTimeout);
  }
}
