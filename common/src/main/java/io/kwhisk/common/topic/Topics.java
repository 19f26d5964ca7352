package io.kwhisk.common.topic;

import io.kwhisk.common.entity.FullyQualifiedName;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Kafka topic and group names. Action names may hold characters Kafka forbids (space, '@') and may
 * be longer than a topic name can be, so an action topic is a readable, sanitised prefix plus a
 * hash of the exact path: two actions never share a topic, whatever their names.
 */
public final class Topics {
  /** Invoker heartbeats. */
  public static final String HEALTH = "health";

  /** Actions, namespaces and keys: compacted. */
  public static final String ENTITIES = "entities";

  /**
   * Action code too large to travel inline (io.kwhisk.common.code.CodeRef), in chunks: compacted,
   * one partition, read by offset on cold paths only.
   */
  public static final String CODE = "kwhisk-code";

  /**
   * The dead-letter topic of every action's share group: the broker copies there each activation
   * that reached the group's delivery limit (KIP-1191), and a controller turns it into an error
   * record. Kafka requires the {@code dlq.} prefix of DLQ topic names by default ({@code
   * errors.deadletterqueue.topic.name.prefix}).
   */
  public static final String DEAD_LETTERS = "dlq.kwhisk.activations";

  /**
   * The sequences controllers are running, keyed by the sequence's activation id (compacted: an
   * ended sequence's note is a tombstone), so that a controller that did not see its sequences end
   * gives them records when it starts again.
   */
  public static final String SEQUENCES = "sequences";

  /**
   * The drains of deleted actions' queues not yet finished, keyed by the action's path (compacted:
   * a finished drain's note is a tombstone), so that a drain cut short by a controller's stop is
   * resumed by the next controller that starts.
   */
  public static final String DRAINS = "drains";

  static final String ACTION_PREFIX = "act.";
  static final String COMPLETED_PREFIX = "completed";

  /** Kafka allows 249 characters; keep room for the prefix and hash. */
  static final int MAX_READABLE = 200;

  private Topics() {}

  /** The topic that holds the activations of {@code action}. */
  public static String actionTopic(FullyQualifiedName action) {
    String readable = sanitise(action.namespace()) + "." + sanitise(action.name());
    if (readable.length() > MAX_READABLE) {
      readable = readable.substring(0, MAX_READABLE);
    }
    return ACTION_PREFIX + readable + "." + hash(action.path());
  }

  /** The consumer (share) group whose members are the action's containers: named as its topic. */
  public static String actionGroup(FullyQualifiedName action) {
    return actionTopic(action);
  }

  /** Commands for invoker {@code id}. */
  public static String invokerTopic(int id) {
    return "invoker" + id;
  }

  /**
   * Activations pushed to invoker {@code id} in the baseline ("hash") scheduling mode, carried as
   * {@link io.kwhisk.common.message.PushedActivation} (key = activation id). Unused in kwhisk's own
   * mode.
   */
  public static String invokerActivationsTopic(int id) {
    return "invoker" + id + ".activations";
  }

  /**
   * Completions for controller {@code id}: each activation's record (logs included), the one
   * durable record of it, read by that controller to answer its waiting callers and by every
   * controller's activation store.
   */
  public static String completedTopic(int id) {
    return COMPLETED_PREFIX + id;
  }

  /** True for the completions topic of any controller. */
  public static boolean isCompletedTopic(String topic) {
    if (!topic.startsWith(COMPLETED_PREFIX) || topic.length() == COMPLETED_PREFIX.length())
      return false;
    for (int i = COMPLETED_PREFIX.length(); i < topic.length(); i++) {
      if (topic.charAt(i) < '0' || topic.charAt(i) > '9') return false;
    }
    return true;
  }

  static String sanitise(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean legal =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_';
      out.append(legal ? c : '_');
    }
    return out.toString();
  }

  private static String hash(String path) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(path.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }
}
