package io.kwhisk.perf.cpu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Full thread names of a JVM, by native thread id, from a thread dump ({@code jcmd <pid>
 * Thread.print}). Linux cuts a thread's {@code comm} to 15 characters, which makes the Kafka
 * clients' network threads ({@code kafka-producer-network-thread | <client id>}) indistinguishable;
 * the dump tells them apart. Taken after the window's last reading, so its own cost is not
 * measured. Best effort: empty when jcmd is missing or refused.
 */
final class JcmdThreadNames {
  private static final Pattern THREAD =
      Pattern.compile("^\"(.*)\" .*\\bnid=(0x[0-9a-fA-F]+|[0-9]+)\\b");

  private JcmdThreadNames() {}

  static Map<Integer, String> of(int pid) {
    try {
      Process p =
          new ProcessBuilder(jcmd(), Integer.toString(pid), "Thread.print")
              .redirectErrorStream(true)
              .start();
      String dump = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroy();
        return Map.of();
      }
      return parse(dump);
    } catch (IOException e) {
      return Map.of();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Map.of();
    }
  }

  static Map<Integer, String> parse(String dump) {
    Map<Integer, String> names = new HashMap<>();
    for (String line : dump.split("\n")) {
      Matcher m = THREAD.matcher(line);
      if (!m.find()) continue;
      String nid = m.group(2);
      int tid =
          nid.startsWith("0x") ? Integer.parseInt(nid.substring(2), 16) : Integer.parseInt(nid);
      names.put(tid, m.group(1));
    }
    return names;
  }

  private static String jcmd() {
    return ProcessHandle.current()
        .info()
        .command()
        .map(java -> Path.of(java).resolveSibling("jcmd"))
        .filter(Files::isExecutable)
        .map(Path::toString)
        .orElse("jcmd");
  }
}
