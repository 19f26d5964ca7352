package io.kwhisk.controller.admin;

import io.kwhisk.common.config.ConfigException;
import io.kwhisk.common.config.ConfigSource;
import io.kwhisk.controller.ControllerConfig;
import io.kwhisk.controller.entity.NamespaceEntry;
import java.io.PrintStream;
import java.util.List;

/**
 * The operator's command line, configured like a controller ({@code KWHISK_KAFKA_BOOTSTRAP_SERVERS}, ...):
 *
 * <pre>
 *   namespace create &lt;ns&gt;              prints the new namespace's credentials, uuid:key
 *   namespace register &lt;ns&gt; &lt;uuid:key&gt; makes uuid:key the namespace's key (creates it if needed; idempotent)
 *   namespace list                     prints each namespace, its uuid and its concurrency limit
 *   namespace limit &lt;ns&gt; &lt;n|default&gt;   sets the namespace's concurrent-invocation limit
 * </pre>
 *
 * Exit status: 0 done, 1 failed (the reason on stderr), 2 usage error. Wiring and argument parsing only; the work is
 * {@link NamespaceAdmin}'s.
 */
public final class AdminMain {
  static final String USAGE = """
      usage: kwhisk-admin namespace create <ns>
             kwhisk-admin namespace register <ns> <uuid:key>
             kwhisk-admin namespace list
             kwhisk-admin namespace limit <ns> <concurrent invocations|default>""";

  private AdminMain() {}

  public static void main(String[] args) {
    // Before any logger exists: warnings to stderr only, unless the operator chose a configuration.
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "kwhisk-admin-logback.xml");
    }
    System.exit(run(args, ConfigSource.fromEnvironment(), System.out, System.err));
  }

  /** Runs one command; returns the exit status. */
  public static int run(String[] args, ConfigSource source, PrintStream out, PrintStream err) {
    List<String> a = List.of(args);
    boolean known = a.size() >= 2 && a.get(0).equals("namespace")
        && ((a.get(1).equals("create") && a.size() == 3) || (a.get(1).equals("list") && a.size() == 2)
        || (a.get(1).equals("register") && a.size() == 4)
        || (a.get(1).equals("limit") && a.size() == 4));
    if (!known) {
      err.println(USAGE);
      return 2;
    }
    Integer limit = null;
    if (a.get(1).equals("limit") && !a.get(3).equals("default")) {
      try {
        limit = Integer.parseInt(a.get(3));
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1) {
        err.println("the limit must be a positive integer or 'default', got " + a.get(3));
        return 2;
      }
    }
    try {
      ControllerConfig config = ControllerConfig.from(source);
      try (NamespaceAdmin admin = NamespaceAdmin.open(config.kafka(), config.replicationFactor())) {
        switch (a.get(1)) {
          case "create" -> out.println(admin.create(a.get(2)));
          case "register" -> {
            admin.register(a.get(2), a.get(3));
            out.println(a.get(2) + " registered");
          }
          case "list" -> admin.list().forEach(ns -> out.println(line(ns, config)));
          default -> {
            admin.limit(a.get(2), limit);
            out.println(a.get(2) + " concurrentInvocations=" + (limit == null ? "default" : limit));
          }
        }
      }
      return 0;
    } catch (ConfigException | IllegalArgumentException e) {
      err.println(e.getMessage());
      return 1;
    } catch (Exception e) {
      err.println("failed: " + e);
      return 1;
    }
  }

  private static String line(NamespaceEntry ns, ControllerConfig config) {
    Integer limit = ns.concurrentInvocations();
    return ns.namespace() + "\t" + ns.uuid() + "\tconcurrentInvocations="
        + (limit == null ? config.admission().namespaceConcurrency() + " (default)" : limit);
  }
}
