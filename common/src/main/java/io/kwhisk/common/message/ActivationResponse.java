package io.kwhisk.common.message;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The outcome of an activation, in OpenWhisk's four classes: {@code success} (0), {@code
 * application error} (1, the action returned an error), {@code action developer error} (2, the
 * action could not run: bad code, timeout, out of memory) and {@code whisk internal error} (3, the
 * platform failed).
 */
public record ActivationResponse(String status, int statusCode, boolean success, JsonNode result) {
  public static final int SUCCESS = 0;
  public static final int APPLICATION_ERROR = 1;
  public static final int DEVELOPER_ERROR = 2;
  public static final int WHISK_ERROR = 3;

  public static ActivationResponse success(JsonNode result) {
    return new ActivationResponse("success", SUCCESS, true, result);
  }

  public static ActivationResponse applicationError(JsonNode result) {
    return new ActivationResponse("application error", APPLICATION_ERROR, false, result);
  }

  public static ActivationResponse developerError(JsonNode result) {
    return new ActivationResponse("action developer error", DEVELOPER_ERROR, false, result);
  }

  public static ActivationResponse whiskError(JsonNode result) {
    return new ActivationResponse("whisk internal error", WHISK_ERROR, false, result);
  }
}
