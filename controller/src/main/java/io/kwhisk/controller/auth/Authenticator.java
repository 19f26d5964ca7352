package io.kwhisk.controller.auth;

import io.kwhisk.common.entity.EntityName;
import io.kwhisk.controller.entity.EntityStore;
import io.kwhisk.controller.entity.NamespaceEntry;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Maps credentials to namespaces and creates namespaces. Authentication reads only the in-memory
 * entity view (one SHA-256 per request), so it never waits for Kafka.
 */
public final class Authenticator {
  private final EntityStore store;
  private final Clock clock;

  public Authenticator(EntityStore store, Clock clock) {
    this.store = Objects.requireNonNull(store, "store should not be null");
    this.clock = Objects.requireNonNull(clock, "clock should not be null");
  }

  /**
   * The identity the {@code Authorization} header proves; empty when absent, malformed or wrong.
   */
  public Optional<Identity> authenticate(String authorizationHeader) {
    return Credentials.fromBasicHeader(authorizationHeader).flatMap(this::authenticate);
  }

  public Optional<Identity> authenticate(Credentials credentials) {
    return store
        .namespaceByUuid(credentials.uuid())
        .filter(ns -> KeyHash.matches(ns.salt(), ns.keyHash(), credentials.key()))
        .map(ns -> new Identity(ns.namespace(), ns.uuid(), credentials.pair()));
  }

  /**
   * Creates {@code namespace} with fresh credentials unless it exists. Completes with the
   * credentials in clear when it created them (the only time they can be shown: the store keeps a
   * hash), empty when the namespace existed.
   */
  public CompletionStage<Optional<Credentials>> ensureNamespace(String namespace) {
    EntityName.require("namespace", namespace);
    if (store.namespace(namespace).isPresent())
      return CompletableFuture.completedFuture(Optional.empty());
    Credentials credentials = new Credentials(UUID.randomUUID().toString(), KeyHash.newKey());
    return register(namespace, credentials).thenApply(v -> Optional.of(credentials));
  }

  /**
   * Stores {@code credentials} as the key of {@code namespace}, replacing any previous key (its
   * limits stay); a no-op when already so.
   */
  public CompletionStage<Void> register(String namespace, Credentials credentials) {
    EntityName.require("namespace", namespace);
    boolean unchanged =
        store
            .namespace(namespace)
            .filter(
                ns ->
                    ns.uuid().equals(credentials.uuid())
                        && KeyHash.matches(ns.salt(), ns.keyHash(), credentials.key()))
            .isPresent();
    if (unchanged) return CompletableFuture.completedFuture(null);
    String salt = KeyHash.newSalt();
    Integer limit =
        store.namespace(namespace).map(NamespaceEntry::concurrentInvocations).orElse(null);
    NamespaceEntry entry =
        new NamespaceEntry(
            namespace,
            credentials.uuid(),
            salt,
            KeyHash.hash(salt, credentials.key()),
            clock.millis(),
            limit);
    return store.put(entry);
  }
}
