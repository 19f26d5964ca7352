package io.kwhisk.invoker.code;

import io.kwhisk.common.code.CodeReader;
import io.kwhisk.common.code.CodeRef;
import io.kwhisk.common.entity.Action;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The invoker's code stored out of line, read through a {@link CodeReader} on the first container
 * of an action and kept by digest, least recently used first out, up to {@code maxChars} characters
 * (a String of base64 or JavaScript holds one byte per character): the next containers of the
 * action, and actions sharing its code, start without a read. Concurrent containers of one code
 * share one read. Thread-safe (one lock around two maps; the read itself runs on the reader's
 * thread).
 */
public final class CodeCache implements CodeSource, AutoCloseable {
  private final Function<CodeRef, CompletableFuture<String>> read;
  private final Runnable closeReader;
  private final long maxChars;
  private final LinkedHashMap<String, String> cached = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, CompletableFuture<String>> reading = new HashMap<>();
  private long chars;

  public CodeCache(CodeReader reader, long maxChars) {
    this(reader::read, reader::close, maxChars);
  }

  /** A cache reading with {@code read}, running {@code closeReader} when it closes. */
  CodeCache(
      Function<CodeRef, CompletableFuture<String>> read, Runnable closeReader, long maxChars) {
    this.read = Objects.requireNonNull(read, "read should not be null");
    this.closeReader = Objects.requireNonNull(closeReader, "closeReader should not be null");
    if (maxChars < 0)
      throw new IllegalArgumentException("maxChars must be 0 or more, got " + maxChars);
    this.maxChars = maxChars;
  }

  @Override
  public CompletionStage<Action> resolve(Action action) {
    CodeRef ref = action.exec().codeRef();
    if (ref == null) return CompletableFuture.completedFuture(action);
    return code(ref).thenApply(code -> action.withExec(action.exec().withCode(code)));
  }

  private synchronized CompletableFuture<String> code(CodeRef ref) {
    String hit = cached.get(ref.digest());
    if (hit != null) return CompletableFuture.completedFuture(hit);
    CompletableFuture<String> inFlight = reading.get(ref.digest());
    if (inFlight != null) return inFlight;
    CompletableFuture<String> started = read.apply(ref);
    reading.put(ref.digest(), started);
    started.whenComplete((code, e) -> done(ref.digest(), code));
    return started;
  }

  private synchronized void done(String digest, String code) {
    reading.remove(digest);
    if (code == null || code.length() > maxChars) return;
    if (cached.put(digest, code) == null) chars += code.length();
    for (Iterator<String> it = cached.values().iterator(); chars > maxChars && it.hasNext(); ) {
      chars -= it.next().length();
      it.remove();
    }
  }

  /** Characters held now: for tests. */
  synchronized long chars() {
    return chars;
  }

  @Override
  public void close() {
    closeReader.run();
  }
}
