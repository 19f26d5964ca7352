package io.kwhisk.common.log;

import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The MDC keys every kwhisk service puts on a log line about an activation, so that one
 * activation's lines can be found across the controller and the invoker: {@value #ACTIVATION_ID},
 * {@value #ACTION} (its fully qualified name) and {@value #CONTAINER} (the invoker's container
 * name). The services' log pattern prints them; a key without a value is left out.
 */
public final class ActivationMdc implements AutoCloseable {
  public static final String ACTIVATION_ID = "activationId";
  public static final String ACTION = "action";
  public static final String CONTAINER = "container";

  private final Map<String, String> previous = new HashMap<>();

  private ActivationMdc() {}

  /**
   * The keys with a value among these, as a map (for Pekko's {@code Behaviors.withMdc}); null
   * arguments are left out.
   */
  public static Map<String, String> of(String activationId, String action, String container) {
    Map<String, String> mdc = new HashMap<>(4);
    if (activationId != null) mdc.put(ACTIVATION_ID, activationId);
    if (action != null) mdc.put(ACTION, action);
    if (container != null) mdc.put(CONTAINER, container);
    return mdc;
  }

  /**
   * Puts the keys with a value into this thread's MDC until {@link #close}, which restores what
   * they held before: {@code try (var mdc = ActivationMdc.put(id, action, null)) { log.warn(...);
   * }}.
   */
  public static ActivationMdc put(String activationId, String action, String container) {
    ActivationMdc scope = new ActivationMdc();
    of(activationId, action, container)
        .forEach(
            (k, v) -> {
              scope.previous.put(k, MDC.get(k));
              MDC.put(k, v);
            });
    return scope;
  }

  @Override
  public void close() {
    previous.forEach(
        (k, v) -> {
          if (v == null) MDC.remove(k);
          else MDC.put(k, v);
        });
  }
}
