package io.kwhisk.common.message;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.entity.FullyQualifiedName;
import java.util.Objects;

/**
 * One invocation, as the controller publishes it to the action's topic (key: activation id). {@code
 * params} are the final parameters: an object (action defaults merged under the caller's) or, as
 * OpenWhisk allows, an array the caller gave (passed as it is). {@code controllerId} names the
 * {@code completed<C>} topic that receives the completion. {@code enqueuedAt} is the epoch
 * millisecond the controller accepted it, the start of the activation's wait time. {@code apiKey}
 * is the caller's {@code uuid:key}, only for an action annotated {@code provide-api-key} (null
 * otherwise): the runtime exports it as {@code __OW_API_KEY}, as OpenWhisk does, so the action can
 * call the API as its caller. {@code cause} is the activation id of the sequence that runs this
 * activation as a component (null otherwise); the record carries it. {@code binding} is the package
 * binding the caller named the action through ({@code ns/binding}, null otherwise); the record
 * carries it as OpenWhisk's {@code binding} annotation. {@code requeues} counts how often an
 * invoker gave the activation back to its action as a new record without running it (its container
 * never started or never initialised: see the invoker's {@code ContainerProxy}); 0 for a message
 * the controller published, and left out of the JSON then, so a message reads the same to a process
 * that predates the field, and one without it reads as 0.
 */
public record ActivationMessage(
    String activationId,
    String transactionId,
    String namespace,
    String actionName,
    String actionRevision,
    String subject,
    JsonNode params,
    boolean blocking,
    int controllerId,
    long enqueuedAt,
    String apiKey,
    String cause,
    String binding,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int requeues) {

  public ActivationMessage {
    Objects.requireNonNull(activationId, "activationId should not be null");
    Objects.requireNonNull(namespace, "namespace should not be null");
    Objects.requireNonNull(actionName, "actionName should not be null");
    Objects.requireNonNull(params, "params should not be null");
    if (requeues < 0) throw new IllegalArgumentException("requeues must not be negative");
  }

  /** A message no invoker gave back yet. */
  public ActivationMessage(
      String activationId,
      String transactionId,
      String namespace,
      String actionName,
      String actionRevision,
      String subject,
      JsonNode params,
      boolean blocking,
      int controllerId,
      long enqueuedAt,
      String apiKey,
      String cause,
      String binding) {
    this(
        activationId,
        transactionId,
        namespace,
        actionName,
        actionRevision,
        subject,
        params,
        blocking,
        controllerId,
        enqueuedAt,
        apiKey,
        cause,
        binding,
        0);
  }

  /**
   * The same activation (same id, parameters, caller and enqueue time), given back once more
   * without having run.
   */
  public ActivationMessage requeued() {
    return new ActivationMessage(
        activationId,
        transactionId,
        namespace,
        actionName,
        actionRevision,
        subject,
        params,
        blocking,
        controllerId,
        enqueuedAt,
        apiKey,
        cause,
        binding,
        requeues + 1);
  }

  /** A message not sent through a binding. */
  public ActivationMessage(
      String activationId,
      String transactionId,
      String namespace,
      String actionName,
      String actionRevision,
      String subject,
      JsonNode params,
      boolean blocking,
      int controllerId,
      long enqueuedAt,
      String apiKey,
      String cause) {
    this(
        activationId,
        transactionId,
        namespace,
        actionName,
        actionRevision,
        subject,
        params,
        blocking,
        controllerId,
        enqueuedAt,
        apiKey,
        cause,
        null);
  }

  /** A message that no sequence caused. */
  public ActivationMessage(
      String activationId,
      String transactionId,
      String namespace,
      String actionName,
      String actionRevision,
      String subject,
      JsonNode params,
      boolean blocking,
      int controllerId,
      long enqueuedAt,
      String apiKey) {
    this(
        activationId,
        transactionId,
        namespace,
        actionName,
        actionRevision,
        subject,
        params,
        blocking,
        controllerId,
        enqueuedAt,
        apiKey,
        null,
        null);
  }

  /** A message without an API key for the action. */
  public ActivationMessage(
      String activationId,
      String transactionId,
      String namespace,
      String actionName,
      String actionRevision,
      String subject,
      JsonNode params,
      boolean blocking,
      int controllerId,
      long enqueuedAt) {
    this(
        activationId,
        transactionId,
        namespace,
        actionName,
        actionRevision,
        subject,
        params,
        blocking,
        controllerId,
        enqueuedAt,
        null,
        null,
        null);
  }

  /** Never shows the API key. */
  @Override
  public String toString() {
    return "ActivationMessage[" + activationId + " of /" + namespace + "/" + actionName + "]";
  }

  /**
   * The namespace the activation's record belongs to, as in OpenWhisk: the caller's ({@code
   * subject}), which differs from the action's when the action is another namespace's public
   * package's, reached through a binding.
   */
  @JsonIgnore
  public String recordNamespace() {
    return subject != null ? subject : namespace;
  }

  /** The action's own name, without its package: the record's {@code name}, as in OpenWhisk. */
  @JsonIgnore
  public String recordName() {
    return actionName.substring(actionName.lastIndexOf('/') + 1);
  }

  @JsonIgnore
  public FullyQualifiedName action() {
    return new FullyQualifiedName(namespace, actionName);
  }
}
