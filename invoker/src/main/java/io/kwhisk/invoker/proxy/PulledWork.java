package io.kwhisk.invoker.proxy;

import io.kwhisk.common.message.ActivationMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * What a container pulled and has not finished with: its feed (the share group membership, absent
 * until it joins and once it failed) and the {@link Slots} its pulled activations wait in. Keeps
 * the slot accounting and the feed calls out of the actor; {@link ProxyState} decides what may run,
 * this only carries it out. Used on the proxy's actor thread only.
 */
final class PulledWork {
  private Slots slots;
  private ActivationSource feed;

  /** The writes of the records given back as new ones ({@link #requeueWaiting}), to close after. */
  private CompletableFuture<Void> requeues = CompletableFuture.completedFuture(null);

  PulledWork(int concurrency) {
    this.slots = Slots.of(concurrency);
  }

  /** The container is in its action's share group through {@code feed}. */
  void joined(ActivationSource feed) {
    this.feed = feed;
  }

  /** The feed, to acknowledge through; null before the join and after the feed failed. */
  ActivationSource feed() {
    return feed;
  }

  boolean inGroup() {
    return feed != null;
  }

  /** Keeps {@code d} until the container can run it. */
  void hold(Delivery d) {
    slots = slots.hold(d);
  }

  /** {@code d} if a slot is free for it (to run now), else nothing: it waits. */
  List<Delivery> offer(Delivery d) {
    return take(slots.offer(d));
  }

  /** The waiting deliveries that free slots take now, to run. */
  List<Delivery> fill() {
    return take(slots.fill());
  }

  /** A run ended: its slot is free ({@link #fill} uses it). */
  void ended() {
    slots = slots.ended();
  }

  /** Every waiting delivery, taken out (to fail, or dropped for the group to deliver again). */
  List<Delivery> takeAll() {
    return take(slots.takeAll());
  }

  /** The oldest waiting delivery, taken out (none if nothing waits). */
  List<Delivery> takeFirst() {
    return take(slots.takeFirst());
  }

  /** Gives {@code d} back to the group for another container. */
  void release(Delivery d) {
    if (feed != null) feed.release(d);
  }

  /**
   * Gives the waiting deliveries back to the group (this container takes no more work) and returns
   * them: they count as finished. The feed stops pulling first: were it to poll once the releases
   * are applied, it would acquire the same records again, each time one of their five deliveries.
   */
  List<Delivery> releaseWaiting() {
    stopPulling();
    List<Delivery> waiting = takeAll();
    waiting.forEach(this::release);
    return waiting;
  }

  /**
   * As {@link #releaseWaiting}, but each waiting delivery that {@code requeues} accepts goes back
   * as a new record, written by {@code publish}: the original is accepted once the write was
   * acknowledged, released if it failed. The others are released. A feed that failed (none) drops
   * them all: its closed consumer gave them back.
   */
  List<Delivery> requeueWaiting(
      Predicate<Delivery> requeues, Function<ActivationMessage, CompletionStage<Void>> publish) {
    stopPulling();
    List<Delivery> waiting = takeAll();
    for (Delivery d : waiting) {
      if (feed == null || !requeues.test(d)) {
        release(d);
        continue;
      }
      ActivationSource source = feed;
      CompletableFuture<Void> written;
      try {
        written = publish.apply(d.message().requeued()).toCompletableFuture();
      } catch (RuntimeException e) {
        written = CompletableFuture.failedFuture(e);
      }
      CompletableFuture<Void> settled =
          written.handle(
              (ok, e) -> {
                if (e == null) source.acknowledge(d);
                else source.release(d);
                return null;
              });
      this.requeues = CompletableFuture.allOf(this.requeues, settled);
    }
    return waiting;
  }

  /**
   * The feed failed: its closed consumer's unacknowledged records go back to the group, so what
   * waits here is dropped.
   */
  void feedFailed() {
    feed = null;
    takeAll();
  }

  void stopPulling() {
    if (feed != null) feed.stopPulling();
  }

  /**
   * Leaves the group: records not acknowledged go back to it for redelivery. Once the records given
   * back as new ones are written (or failed to be), so that their originals are accepted (or
   * released) before the consumer closes: closing first would release them too, and the activation
   * would be queued twice. The close may then come on the producer's thread; it only sets a flag.
   */
  void leave() {
    ActivationSource f = feed;
    if (f != null) requeues.whenComplete((ok, e) -> f.close());
  }

  void resize(int maxPollRecords) {
    if (feed != null) feed.resize(maxPollRecords);
  }

  private List<Delivery> take(Slots.Taken taken) {
    slots = taken.slots();
    return taken.deliveries();
  }
}
