package io.kwhisk.controller.entity;

import java.util.Objects;

/**
 * A namespace and its one key, as stored: the key's secret part only as a salted SHA-256 hash (hex), never in clear.
 * {@code uuid} is the public part of the {@code uuid:key} credentials and identifies the namespace at login.
 * {@code concurrentInvocations} overrides the default concurrency limit of the namespace when not null (OpenWhisk's
 * per-namespace limit of the same name); entries written before it existed read as null.
 */
public record NamespaceEntry(String namespace, String uuid, String salt, String keyHash, long created,
    Integer concurrentInvocations) {

  public NamespaceEntry(String namespace, String uuid, String salt, String keyHash, long created) {
    this(namespace, uuid, salt, keyHash, created, null);
  }

  /** A copy with another concurrency limit (null: the default). */
  public NamespaceEntry withConcurrentInvocations(Integer limit) {
    return new NamespaceEntry(namespace, uuid, salt, keyHash, created, limit);
  }

  public NamespaceEntry {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(uuid, "uuid should not be null");
    Objects.requireNonNull(salt, "salt should not be null");
    Objects.requireNonNull(keyHash, "keyHash should not be null");
    if (concurrentInvocations != null && concurrentInvocations < 1) {
      throw new IllegalArgumentException("concurrentInvocations must be 1 or more, got " + concurrentInvocations);
    }
  }
}
