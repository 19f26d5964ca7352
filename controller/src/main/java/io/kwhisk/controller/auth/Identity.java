package io.kwhisk.controller.auth;

/** Who an authenticated request acts as: the one namespace its key belongs to. */
public record Identity(String namespace, String uuid) {
  /** OpenWhisk's alias for "the caller's own namespace" in paths. */
  public static final String DEFAULT_NAMESPACE = "_";

  /** Resolves the namespace named in a path: {@code _} is the caller's. */
  public String resolve(String pathNamespace) {
    return DEFAULT_NAMESPACE.equals(pathNamespace) ? namespace : pathNamespace;
  }

  /** True when the caller may act in {@code pathNamespace}: only its own. */
  public boolean owns(String pathNamespace) {
    return namespace.equals(resolve(pathNamespace));
  }
}
