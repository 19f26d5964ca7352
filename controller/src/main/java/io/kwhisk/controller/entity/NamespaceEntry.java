package io.kwhisk.controller.entity;

import java.util.Objects;

/**
 * A namespace and its one key, as stored: the key's secret part only as a salted SHA-256 hash (hex), never in clear.
 * {@code uuid} is the public part of the {@code uuid:key} credentials and identifies the namespace at login.
 */
public record NamespaceEntry(String namespace, String uuid, String salt, String keyHash, long created) {
  public NamespaceEntry {
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(uuid, "uuid should not be null");
    Objects.requireNonNull(salt, "salt should not be null");
    Objects.requireNonNull(keyHash, "keyHash should not be null");
  }
}
