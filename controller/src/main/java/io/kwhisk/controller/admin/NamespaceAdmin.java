package io.kwhisk.controller.admin;

import io.kwhisk.common.kafka.KafkaSettings;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.controller.auth.Authenticator;
import io.kwhisk.controller.auth.Credentials;
import io.kwhisk.controller.entity.KafkaEntityStore;
import io.kwhisk.controller.entity.NamespaceEntry;
import io.kwhisk.controller.kafka.Producers;
import io.kwhisk.controller.kafka.TopicAdmin;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Namespaces managed from outside a controller, through the same entity store the controllers read
 * (the compacted entities topic): a controller sees a change as soon as its reader reaches it. Each
 * method blocks until the write is durable. Not thread-safe: one command at a time.
 */
public final class NamespaceAdmin implements AutoCloseable {
  private static final long WAIT_SECONDS = 30;

  private final TopicAdmin topics;
  private final RecordSender publisher;
  private final KafkaEntityStore store;
  private final Authenticator auth;

  private NamespaceAdmin(TopicAdmin topics, RecordSender publisher, KafkaEntityStore store) {
    this.topics = topics;
    this.publisher = publisher;
    this.store = store;
    this.auth = new Authenticator(store, Clock.systemUTC());
  }

  /** Connects and reads the whole entity store (creating its topic if no controller did yet). */
  public static NamespaceAdmin open(KafkaSettings kafka, int replicationFactor) throws Exception {
    TopicAdmin topics = new TopicAdmin(kafka, "kwhisk-admin", replicationFactor);
    RecordSender publisher = null;
    try {
      topics.ensureEntitiesTopic();
      publisher =
          new RecordSender(
              Producers.create(kafka, "kwhisk-admin-producer"), "kwhisk-admin-producer");
      KafkaEntityStore store =
          KafkaEntityStore.open(kafka, publisher, "kwhisk-admin-entities", Duration.ofSeconds(60));
      return new NamespaceAdmin(topics, publisher, store);
    } catch (Exception e) {
      if (publisher != null) publisher.close();
      topics.close();
      throw e;
    }
  }

  /**
   * Creates {@code namespace} with fresh credentials and returns them; fails when it exists (its
   * key is hashed).
   */
  public Credentials create(String namespace) throws Exception {
    return auth.ensureNamespace(namespace)
        .toCompletableFuture()
        .get(WAIT_SECONDS, TimeUnit.SECONDS)
        .orElseThrow(
            () -> new IllegalArgumentException("namespace " + namespace + " already exists"));
  }

  /**
   * Makes {@code credentials} ({@code uuid:key}) the key of {@code namespace}, creating it if
   * needed; a no-op when that is its key already, so a deployment can run it at every install or
   * upgrade with keys it keeps in a secret.
   */
  public void register(String namespace, String credentials) throws Exception {
    Credentials parsed =
        Credentials.parse(credentials)
            .orElseThrow(() -> new IllegalArgumentException("credentials must be uuid:key"));
    auth.register(namespace, parsed).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  public List<NamespaceEntry> list() {
    return store.namespaces();
  }

  /** Sets the namespace's concurrent-invocation limit; null restores the controllers' default. */
  public void limit(String namespace, Integer concurrentInvocations) throws Exception {
    NamespaceEntry entry =
        store
            .namespace(namespace)
            .orElseThrow(
                () -> new IllegalArgumentException("namespace " + namespace + " does not exist"));
    store
        .put(entry.withConcurrentInvocations(concurrentInvocations))
        .toCompletableFuture()
        .get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /**
   * Sets the namespace's own limits, as {@code wskadmin limits set} does: each one given replaces
   * the namespace's (a positive integer), each one null is left as it is. Returns the entry as
   * stored.
   */
  public NamespaceEntry setLimits(
      String namespace, Integer concurrentInvocations, Integer invocationsPerMinute)
      throws Exception {
    NamespaceEntry entry = existing(namespace);
    if (concurrentInvocations != null)
      entry = entry.withConcurrentInvocations(concurrentInvocations);
    if (invocationsPerMinute != null) entry = entry.withInvocationsPerMinute(invocationsPerMinute);
    store.put(entry).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    return entry;
  }

  /**
   * Returns every limit of the namespace to the controllers' defaults ({@code wskadmin limits
   * delete}).
   */
  public void deleteLimits(String namespace) throws Exception {
    NamespaceEntry entry =
        existing(namespace).withConcurrentInvocations(null).withInvocationsPerMinute(null);
    store.put(entry).toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
  }

  /** The namespace as stored. */
  public NamespaceEntry get(String namespace) {
    return existing(namespace);
  }

  private NamespaceEntry existing(String namespace) {
    return store
        .namespace(namespace)
        .orElseThrow(
            () -> new IllegalArgumentException("namespace " + namespace + " does not exist"));
  }

  @Override
  public void close() {
    store.close();
    publisher.close();
    topics.close();
  }
}
