package io.kwhisk.controller.auth;

/**
 * Who an authenticated request acts as: the one namespace its key belongs to. {@code authKey} is
 * the request's {@code uuid:key}, kept only for the request (an action annotated {@code
 * provide-api-key} gets it, as OpenWhisk's does); never printed.
 */
public record Identity(String namespace, String uuid, String authKey) {
  public Identity(String namespace, String uuid) {
    this(namespace, uuid, null);
  }

  @Override
  public String toString() {
    return "Identity[" + namespace + ", " + uuid + "]";
  }

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
