package io.kwhisk.invoker.proxy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kwhisk.common.entity.Exec;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.message.ActivationResponse;
import io.kwhisk.invoker.docker.ContainerStartException;
import java.util.Optional;

/**
 * Which container start failures are permanent for the action (every container of it would fail the
 * same way), and the error its activations end with. A blackbox image that does not exist is the
 * developer's mistake, with OpenWhisk's message; a kind the invoker has no image for, or a missing
 * runtime image, is the platform's.
 */
final class StartFailures {
  /** OpenWhisk's message when a blackbox action's image cannot be had. */
  static final String IMAGE_PULL = "Failed to pull container image '%s'.";

  static final String NO_IMAGE = "The invoker has no image for the kind '%s'.";
  static final String RUNTIME_IMAGE_MISSING =
      "The runtime image '%s' of the kind '%s' is missing on the invoker.";

  private StartFailures() {}

  /**
   * The error every activation of an action ends with when the invoker has no image for its kind.
   */
  static ActivationResponse noImage(String kind) {
    return ActivationResponse.whiskError(error(String.format(NO_IMAGE, kind)));
  }

  /** The error every activation of the action ends with, if {@code error} is permanent. */
  static Optional<ActivationResponse> permanent(Throwable error, Exec exec, String image) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof ContainerStartException s && s.imageMissing()) {
        return Optional.of(
            exec.isBlackbox()
                ? ActivationResponse.developerError(error(String.format(IMAGE_PULL, image)))
                : ActivationResponse.whiskError(
                    error(String.format(RUNTIME_IMAGE_MISSING, image, exec.kind()))));
      }
    }
    return Optional.empty();
  }

  private static ObjectNode error(String message) {
    return Json.object().put("error", message);
  }
}
