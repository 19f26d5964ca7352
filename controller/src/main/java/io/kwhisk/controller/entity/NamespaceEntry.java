package io.kwhisk.controller.entity;

import java.util.Objects;

/**
 * A namespace and its one key, as stored: the key's secret part only as a salted SHA-256 hash
 * (hex), never in clear. {@code uuid} is the public part of the {@code uuid:key} credentials and
 * identifies the namespace at login. {@code concurrentInvocations} overrides the default
 * concurrency limit of the namespace when not null (OpenWhisk's per-namespace limit of the same
 * name), {@code invocationsPerMinute} the default number of invocations it may start in a minute
 * (OpenWhisk's {@code invocationsPerMinute}, set as {@code wskadmin limits set} does); entries
 * written before they existed read as null.
 */
public record NamespaceEntry(
    String namespace,
    String uuid,
    String salt,
    String keyHash,
    long created,
    Integer concurrentInvocations,
    Integer invocationsPerMinute) {

  public NamespaceEntry(String namespace, String uuid, String salt, String keyHash, long created) {
    this(namespace, uuid, salt, keyHash, created, null, null);
  }

  public NamespaceEntry(
      String namespace,
      String uuid,
      String salt,
      String keyHash,
      long created,
      Integer concurrentInvocations) {
    this(namespace, uuid, salt, keyHash, created, concurrentInvocations, null);
  }

  /** A copy with another concurrency limit (null: the default). */
  public NamespaceEntry withConcurrentInvocations(Integer limit) {
    return new NamespaceEntry(namespace, uuid, salt, keyHash, created, limit, invocationsPerMinute);
  }

  /** A copy with another invocations-per-minute limit (null: the default). */
  public NamespaceEntry withInvocationsPerMinute(Integer limit) {
    return new NamespaceEntry(
        namespace, uuid, salt, keyHash, created, concurrentInvocations, limit);
  }

  public NamespaceEntry {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(uuid, "uuid should not be null");
    Objects.requireNonNull(salt, "salt should not be null");
    Objects.requireNonNull(keyHash, "keyHash should not be null");
    if (concurrentInvocations != null && concurrentInvocations < 1) {
      throw new IllegalArgumentException(
          "concurrentInvocations must be 1 or more, got " + concurrentInvocations);
    }
    if (invocationsPerMinute != null && invocationsPerMinute < 1) {
      throw new IllegalArgumentException(
          "invocationsPerMinute must be 1 or more, got " + invocationsPerMinute);
    }
  }
}
