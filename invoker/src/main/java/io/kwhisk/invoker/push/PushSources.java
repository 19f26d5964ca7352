package io.kwhisk.invoker.push;

import io.kwhisk.common.entity.FullyQualifiedName;
import io.kwhisk.invoker.proxy.ActivationSource;
import io.kwhisk.invoker.proxy.Delivery;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The in-memory activation sources of the push pool's containers: one {@link Mailbox} per
 * container, registered by the pool before it starts the container's proxy and opened by the proxy
 * (as {@link ActivationSource.Factory}) when it is initialised. The pool hands each activation to a
 * container's mailbox; the proxy runs it exactly as one pulled from a share group, and its
 * acknowledgement or release goes back to the pool through {@code listener}.
 *
 * <p>Thread-safety: every method may be called from any thread; each mailbox is guarded by its own
 * lock.
 *
 * <p>Accounting: an activation handed to a mailbox is "unfinished" until the proxy acknowledges it
 * (its completion was published) or releases it (the proxy refused it, or the mailbox was closed).
 * The proxy acknowledges before it can stop, so when the pool sees the proxy stop, {@link
 * #unregister} returns exactly the activations that neither ran nor were given back: each
 * activation is reported once, as acknowledged, released or unfinished.
 */
final class PushSources implements ActivationSource.Factory {
  /** What a mailbox tells the pool. */
  interface Listener {
    void acknowledged(String container, String activationId);

    void released(String container, String activationId);
  }

  private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();
  private final Listener listener;

  PushSources(Listener listener) {
    this.listener = listener;
  }

  /** Creates the mailbox of a container about to be started. */
  void register(String container) {
    mailboxes.put(container, new Mailbox(container));
  }

  /** Hands {@code delivery} to the container: buffered until its proxy opens the mailbox. */
  void deliver(String container, Delivery delivery) {
    Mailbox box = mailboxes.get(container);
    if (box == null) {
      listener.released(container, delivery.activationId());
    } else {
      box.deliver(delivery);
    }
  }

  /**
   * Forgets the container's mailbox; returns the activation ids handed to it that it never
   * finished.
   */
  List<String> unregister(String container) {
    Mailbox box = mailboxes.remove(container);
    return box == null ? List.of() : box.closeForGood();
  }

  @Override
  public ActivationSource open(
      FullyQualifiedName action,
      String name,
      int lanes,
      int maxPollRecords,
      Consumer<List<Delivery>> onRecords,
      Consumer<Throwable> onFailure) {
    Mailbox box = mailboxes.get(name);
    if (box == null) throw new IllegalStateException("no mailbox for container " + name);
    box.open(onRecords);
    return box;
  }

  /**
   * One container's activations. Lanes and prefetch do not apply: the pool never hands more than
   * its concurrency.
   */
  private final class Mailbox implements ActivationSource {
    private final String container;
    private final Map<String, Delivery> unfinished = new LinkedHashMap<>();
    private final List<Delivery> buffered = new ArrayList<>();
    private Consumer<List<Delivery>> onRecords;
    private boolean closed;

    Mailbox(String container) {
      this.container = container;
    }

    synchronized void open(Consumer<List<Delivery>> callback) {
      if (closed) return;
      onRecords = callback;
      if (!buffered.isEmpty()) {
        onRecords.accept(List.copyOf(buffered));
        buffered.clear();
      }
    }

    synchronized void deliver(Delivery d) {
      if (closed) {
        listener.released(container, d.activationId());
        return;
      }
      unfinished.put(d.activationId(), d);
      if (onRecords == null) buffered.add(d);
      else onRecords.accept(List.of(d));
    }

    @Override
    public synchronized void acknowledge(Delivery d) {
      if (unfinished.remove(d.activationId()) != null)
        listener.acknowledged(container, d.activationId());
    }

    @Override
    public synchronized void release(Delivery d) {
      if (unfinished.remove(d.activationId()) != null)
        listener.released(container, d.activationId());
    }

    /**
     * The proxy left: later deliveries bounce; those already handed over are still acknowledged or
     * released.
     */
    @Override
    public synchronized void close() {
      closed = true;
    }

    /** Nothing is pulled here: the pool pushes, so there is no poll to stop. */
    @Override
    public void stopPulling() {}

    /** Pushes come one by one, as the invoker's pool hands them out: there is no batch to size. */
    @Override
    public void resize(int maxPollRecords) {}

    synchronized List<String> closeForGood() {
      closed = true;
      List<String> left = new ArrayList<>(unfinished.keySet());
      unfinished.clear();
      buffered.clear();
      return left;
    }
  }
}
