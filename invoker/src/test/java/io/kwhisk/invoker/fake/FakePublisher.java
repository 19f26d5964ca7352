package io.kwhisk.invoker.fake;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.common.message.ActivationMessage;
import io.kwhisk.common.message.CompletionMessage;
import io.kwhisk.common.message.InvokerHeartbeat;
import io.kwhisk.invoker.publish.Publisher;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A publisher whose completion writes the test finishes by hand ({@link #pending}); heartbeats are
 * written at once, and activations given back to their action ({@link #requeued}) too unless the
 * test sets {@link #requeueAnswer}.
 */
public final class FakePublisher implements Publisher {
  /** A completion write waiting for the test. */
  public record PendingWrite(
      int controllerId, CompletionMessage completion, CompletableFuture<Void> written) {}

  public final List<PendingWrite> pending = new CopyOnWriteArrayList<>();
  public final List<InvokerHeartbeat> heartbeats = new CopyOnWriteArrayList<>();
  public final List<ActivationMessage> requeued = new CopyOnWriteArrayList<>();

  /** When set, what every write of an activation to its action answers: the test completes it. */
  public volatile CompletableFuture<Void> requeueAnswer;

  @Override
  public CompletionStage<Void> completion(int controllerId, CompletionMessage completion) {
    CompletableFuture<Void> written = new CompletableFuture<>();
    pending.add(new PendingWrite(controllerId, completion, written));
    return written;
  }

  @Override
  public CompletionStage<Void> activation(FullyQualifiedName action, ActivationMessage activation) {
    requeued.add(activation);
    return requeueAnswer != null ? requeueAnswer : CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> heartbeat(InvokerHeartbeat heartbeat) {
    heartbeats.add(heartbeat);
    return CompletableFuture.completedFuture(null);
  }

  public InvokerHeartbeat lastHeartbeat() {
    return heartbeats.get(heartbeats.size() - 1);
  }

  @Override
  public void close() {}
}
