package io.kwhisk.controller.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.kwhisk.common.config.SchedulingMode;
import io.kwhisk.common.entity.Action;
import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.json.Json;
import io.kwhisk.common.kafka.RecordSender;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.ActivationRecord;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.topic.Topics;
import io.kwhisk.controller.activation.ActivationIds;
import io.kwhisk.controller.api.packages.PackageResolver;
import io.kwhisk.controller.auth.Identity;
import io.kwhisk.controller.completion.Waiters;
import io.kwhisk.controller.hash.PushRoute;
import io.kwhisk.controller.kafka.KafkaReachability;
import io.kwhisk.controller.metrics.ControllerMetrics;
import io.kwhisk.controller.scheduler.Scheduler;
import io.kwhisk.controller.scheduler.SchedulerView;
import io.kwhisk.controller.sequence.KafkaSequenceJournal;
import io.kwhisk.controller.sequence.SequenceRunner;
import io.kwhisk.controller.throttle.Admission;
import io.kwhisk.controller.throttle.Rejection;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Activations of actions, as the actions API, triggers, web actions and sequences start them:
 * admission, the activation message on its topic (the action's, or in hash mode its home
 * invoker's), the waiter of a blocking call and the answer it gives; sequences run here. Never
 * blocks: Kafka writes complete through their acknowledgements.
 */
final class Invocations {
  private static final Logger log = LoggerFactory.getLogger(Invocations.class);

  private final ApiSettings config;
  private final RecordSender publisher;
  private final KafkaReachability kafka;
  private final Waiters waiters;
  private final ActorRef<Scheduler.Command> scheduler;
  private final Supplier<SchedulerView> view;
  private final ControllerMetrics metrics;
  private final Admission admission;
  private final Clock clock;
  private final PackageResolver packages;
  private final SequenceRunner sequences;

  Invocations(
      ApiSettings config,
      RecordSender publisher,
      KafkaReachability kafka,
      Waiters waiters,
      ActorRef<Scheduler.Command> scheduler,
      Supplier<SchedulerView> view,
      ControllerMetrics metrics,
      Admission admission,
      Clock clock,
      PackageResolver packages) {
    this.config = config;
    this.publisher = publisher;
    this.kafka = kafka;
    this.waiters = waiters;
    this.scheduler = scheduler;
    this.view = view;
    this.metrics = metrics;
    this.admission = admission;
    this.clock = clock;
    this.packages = packages;
    this.sequences =
        new SequenceRunner(
            new SequenceComponents(this, packages, waiters),
            this::publishRecord,
            new KafkaSequenceJournal(publisher),
            config.id(),
            clock);
  }

  /**
   * A record the controller made (a sequence's) goes where invokers write theirs, this controller's
   * completions topic: durable, seen by every controller's activation store, and its completion
   * wakes the blocking caller.
   */
  CompletionStage<Void> publishRecord(ActivationRecord record) {
    CompletionMessage message = new CompletionMessage(record.activationId(), -1, null, record);
    return publisher
        .send(Topics.completedTopic(config.id()), record.activationId(), Json.encode(message))
        .<Void>thenApply(meta -> null)
        .whenComplete(
            (ok, error) -> {
              if (error != null)
                log.warn(
                    "record {} could not be written: {}", record.activationId(), error.toString());
            });
  }

  /**
   * POST: invokes. Admission first: over the namespace's concurrency or the action's backlog limit
   * it answers 429 with {@code Retry-After}. The activation is on the action's topic (in hash mode:
   * its home invoker's) before the answer (202 with its id, or the result of a blocking call); a
   * failed produce answers 503 and nothing was accepted. A blocking call that outlives its wait
   * answers 202: the activation still runs and is recorded. {@code transactionId} is the request's
   * ({@code X-Request-ID}, see {@link ApiHeaders}), the action's {@code __OW_TRANSACTION_ID}. While
   * Kafka is known unreachable ({@link KafkaReachability}) it answers 503 at once, writing nothing.
   */
  CompletionStage<HttpResponse> invoke(
      Identity who, String name, Map<String, String> query, byte[] body, String transactionId) {
    return invoke(who, PackageResolver.fqn(who.namespace(), name), query, body, transactionId);
  }

  /**
   * Invokes {@code fqn} as {@code who}: an action of its own namespace, or one in another
   * namespace's public package, which runs as the caller's activation (its record in the caller's
   * namespace, as OpenWhisk does).
   */
  CompletionStage<HttpResponse> invoke(
      Identity who,
      FullyQualifiedName fqn,
      Map<String, String> query,
      byte[] body,
      String transactionId) {
    long started = System.nanoTime();
    PackageResolver.Resolved resolved = packages.resolveFor(who.namespace(), fqn);
    Action action = resolved.effective();
    boolean blocking = "true".equalsIgnoreCase(query.get("blocking"));
    boolean resultOnly = "true".equalsIgnoreCase(query.get("result"));
    Duration wait = InvokeParameters.blockingWait(query.get("timeout"), config.blockingWait());
    JsonNode params = InvokeParameters.merge(action, InvokeParameters.parse(body));
    CompletionStage<HttpResponse> answer;
    if (action.exec().isSequence()) {
      // Run by this controller; its record reaches completed<C> like any other, which wakes the
      // waiter.
      String activationId = ActivationIds.next();
      CompletableFuture<ActivationRecord> waiter = blocking ? waiters.register(activationId) : null;
      sequences.start(who, action, params, activationId, transactionId);
      answer =
          blocking
              ? awaitResult(activationId, waiter, wait, resultOnly)
              : ActionsApi.done(accepted(activationId));
    } else {
      Submitted submitted =
          submit(
              who,
              action,
              params,
              blocking,
              transactionId,
              ActivationIds.next(),
              null,
              resolved.binding());
      answer =
          submitted
              .queued()
              .thenCompose(
                  id ->
                      blocking
                          ? awaitResult(id, submitted.waiter(), wait, resultOnly)
                          : ActionsApi.done(accepted(id)));
    }
    return answer.whenComplete(
        (r, t) -> metrics.invokeLatency(blocking, Duration.ofNanos(System.nanoTime() - started)));
  }

  /**
   * A non-blocking activation of {@code action} (resolved; a sequence runs here) with {@code body}
   * merged over its parameters as an invoke's body is ({@code final} enforced): completes with its
   * id once it is queued, fails with the {@link ApiError} an invoke would answer. A trigger's rules
   * fire their actions this way.
   */
  CompletionStage<String> start(Identity who, Action action, JsonNode body, String transactionId) {
    JsonNode params = InvokeParameters.merge(action, body);
    String activationId = ActivationIds.next();
    if (action.exec().isSequence()) {
      sequences.start(who, action, params, activationId, transactionId);
      return CompletableFuture.completedFuture(activationId);
    }
    return submit(who, action, params, false, transactionId, activationId, null).queued();
  }

  /**
   * A blocking activation of {@code action} (resolved; a sequence runs here) with {@code params} as
   * its final parameters: completes with its record, or without one after {@code wait}; fails with
   * the {@link ApiError} an invoke would answer. Web actions run this way.
   */
  CompletionStage<ActionsApi.Waited> runAndWait(
      Identity who, Action action, JsonNode params, String transactionId, Duration wait) {
    String activationId = ActivationIds.next();
    CompletionStage<String> queued;
    CompletableFuture<ActivationRecord> waiter;
    if (action.exec().isSequence()) {
      waiter = waiters.register(activationId);
      sequences.start(who, action, params, activationId, transactionId);
      queued = CompletableFuture.completedFuture(activationId);
    } else {
      Submitted submitted = submit(who, action, params, true, transactionId, activationId, null);
      waiter = submitted.waiter();
      queued = submitted.queued();
    }
    return queued
        .thenCompose(id -> waiter.completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS))
        .thenApply(
            record -> {
              if (record == null) waiters.cancel(activationId);
              return new ActionsApi.Waited(activationId, record);
            });
  }

  /**
   * An activation that was admitted: {@code queued} completes with its id once it is on its topic
   * (or fails with the answer to give), {@code waiter} (null unless blocking) with its record.
   */
  record Submitted(CompletionStage<String> queued, CompletableFuture<ActivationRecord> waiter) {}

  /**
   * One activation of {@code action} (resolved, its parameters final): admission, then its message
   * on the action's topic. Throws {@link ApiError} when no invoker can run it or a limit refuses
   * it. {@code cause} is the id of the sequence activation it belongs to, or null.
   */
  Submitted submit(
      Identity who,
      Action action,
      JsonNode params,
      boolean blocking,
      String transactionId,
      String activationId,
      String cause) {
    return submit(who, action, params, blocking, transactionId, activationId, cause, null);
  }

  /**
   * As above, for an action the caller named through the package binding {@code binding} ({@code
   * ns/name}).
   */
  Submitted submit(
      Identity who,
      Action action,
      JsonNode params,
      boolean blocking,
      String transactionId,
      String activationId,
      String cause,
      String binding) {
    FullyQualifiedName fqn = action.fqn();
    if (!kafka.admits()) {
      metrics.invokeRejected("kafka");
      throw ApiError.unavailable(
          "Kafka is unreachable: the activation was not queued; try again later.");
    }
    SchedulerView now = view.get();
    if (!now.hasHealthyInvoker() && now.containers(fqn.path()) == 0) {
      metrics.invokeRejected("no_invokers");
      throw ApiError.unavailable("No invokers available to run the action; try again later.");
    }
    Optional<Rejection> refused = admission.admit(activationId, action);
    if (refused.isPresent()) {
      metrics.invokeRejected(refused.get().limit().tag());
      throw ApiError.tooManyRequests(refused.get().message(), refused.get().retryAfterSeconds());
    }
    ActivationMessage message =
        new ActivationMessage(
            activationId,
            transactionId,
            fqn.namespace(),
            fqn.name(),
            action.revision(),
            who.namespace(),
            params,
            blocking,
            config.id(),
            clock.millis(),
            ActionPut.providesApiKey(action) ? who.authKey() : null,
            cause,
            binding);
    CompletableFuture<ActivationRecord> waiter = blocking ? waiters.register(activationId) : null;
    CompletionStage<String> queued =
        queue(action, message)
            .handle(
                (meta, error) -> {
                  if (error != null) {
                    waiters.cancel(activationId);
                    admission.release(activationId);
                    metrics.invokeRejected("kafka");
                    Throwable failure = Responses.unwrap(error);
                    if (failure instanceof RecordTooLargeException)
                      throw new CompletionException(failure);
                    throw new CompletionException(
                        ApiError.unavailable(
                            "The activation could not be queued; try again later."));
                  }
                  metrics.activationAccepted();
                  if (!hashMode()) scheduler.tell(new Scheduler.Submitted(activationId, action));
                  return activationId;
                });
    return new Submitted(queued, waiter);
  }

  /**
   * kwhisk mode: to the action's topic, where its containers pull it. Hash mode (the baseline): to
   * the home invoker's activation topic ({@link PushRoute}); the scheduler is not told, as the
   * invoker creates containers.
   */
  private CompletableFuture<?> queue(Action action, ActivationMessage message) {
    if (!hashMode()) {
      return observed(
          publisher.send(
              Topics.actionTopic(action.fqn()), message.activationId(), Json.encode(message)));
    }
    Optional<PushRoute.Target> target = PushRoute.of(action, message, view.get());
    if (target.isEmpty())
      return CompletableFuture.failedFuture(new IllegalStateException("no healthy invoker"));
    return observed(publisher.send(target.get().topic(), target.get().key(), target.get().value()));
  }

  /** A write of an activation, which tells {@link #kafka} whether Kafka took it. */
  private <T> CompletableFuture<T> observed(CompletableFuture<T> write) {
    kafka.sending();
    return write.whenComplete((m, error) -> kafka.completed(error));
  }

  private boolean hashMode() {
    return config.scheduling() == SchedulingMode.HASH;
  }

  private CompletionStage<HttpResponse> awaitResult(
      String activationId,
      CompletableFuture<ActivationRecord> waiter,
      Duration wait,
      boolean resultOnly) {
    return waiter
        .completeOnTimeout(null, wait.toMillis(), TimeUnit.MILLISECONDS)
        .thenApply(
            record -> {
              if (record == null) {
                waiters.cancel(activationId);
                return accepted(activationId);
              }
              Object body = resultOnly ? resultOf(record) : ActionJson.activation(record);
              return Responses.json(statusOf(record), body)
                  .addHeader(RawHeader.create(ActionsApi.ACTIVATION_ID_HEADER, activationId));
            });
  }

  /**
   * OpenWhisk's mapping: success 200, application and developer errors 502, platform errors 500.
   */
  static int statusOf(ActivationRecord record) {
    int code = record.response().statusCode();
    if (code == 0) return 200;
    if (code == 1 || code == 2) return 502;
    return 500;
  }

  static Object resultOf(ActivationRecord record) {
    return record.response().result() == null ? Json.object() : record.response().result();
  }

  private static HttpResponse accepted(String activationId) {
    return Responses.json(202, ActionJson.activationId(activationId))
        .addHeader(RawHeader.create(ActionsApi.ACTIVATION_ID_HEADER, activationId));
  }

  /** Runs sequences for this controller's callers. */
  SequenceRunner sequences() {
    return sequences;
  }
}
