package io.kwhisk.perf.direct;

import io.kwhisk.common.json.Json;
import io.kwhisk.perf.client.InvokeClient;
import io.kwhisk.perf.client.RawHttpClient;
import io.kwhisk.perf.cpu.ContainerLister;
import io.kwhisk.perf.cpu.CpuSampler;
import io.kwhisk.perf.load.LoadGenerator;
import io.kwhisk.perf.load.Outcome;
import io.kwhisk.perf.load.Scenario;
import io.kwhisk.perf.load.ScenarioResult;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The platform-free baseline of a load scenario: the same action containers driven directly on
 * {@code /run}.
 *
 * <ol>
 *   <li>The containers kwhisk runs for the scenario's actions are found by their labels ({@code
 *       docker ps}).
 *   <li>Each is cloned: a new container of the same image, memory limit and network, labelled
 *       {@value #LABEL}{@code =<run id>}, initialised ({@code /init}) with the same noop code.
 *       kwhisk's own containers are not touched: the invoker pauses an idle one within a second and
 *       removes it after its keep-alive, so driving them would race the platform (and change its
 *       state behind its back).
 *   <li>The clones are driven with the scenario's users (user i on clone i mod N) and the same
 *       client ({@link RawHttpClient}), warm-up and window; answers count as OK when they are a 200
 *       with a JSON object. CPU: the clones' cgroups and the load generator; the platform's columns
 *       read n/a.
 *   <li>The clones are removed.
 * </ol>
 *
 * Traffic goes only to the clones' addresses on the Docker bridge, which must be private
 * (site-local) addresses.
 */
public final class DirectRun {
  public static final String LABEL = "io.kwhisk.perf.direct-run";
  public static final String DESIGN = "direct-run";
  private static final String KWHISK_LABEL = "io.kwhisk.invoker";
  private static final int PORT = 8080;

  private final PrintStream progress;
  private final Duration timeout;

  public DirectRun(PrintStream progress, Duration timeout) {
    this.progress = progress;
    this.timeout = timeout;
  }

  /** One started clone. */
  record Clone(String id, String ip, String action) {}

  /**
   * Runs the direct counterpart of {@code kwhisk} (its actions, users, warm-up and window), returns
   * its row.
   */
  public ScenarioResult run(Scenario kwhisk, String noopCode, String runId)
      throws IOException, InterruptedException {
    if (kwhisk.openLoop())
      throw new IllegalArgumentException("--direct-run drives a closed loop (--users)");
    Set<String> actions =
        IntStream.range(0, kwhisk.actions())
            .mapToObj(kwhisk::actionName)
            .collect(Collectors.toSet());
    List<String[]> found = new ArrayList<>();
    for (String line :
        ContainerLister.run(
            List.of(
                "docker",
                "ps",
                "--no-trunc",
                "--filter",
                "label=" + KWHISK_LABEL,
                "--format",
                "{{.ID}} {{.Label \"" + ContainerLister.ACTION_LABEL + "\"}}"))) {
      String[] f = line.strip().split(" ", 2);
      if (f.length == 2 && actions.contains(f[1].substring(f[1].indexOf('/') + 1))) found.add(f);
    }
    if (found.isEmpty()) {
      throw new IOException(
          "--direct-run: no running kwhisk container of "
              + kwhisk.prefix()
              + "-* (the run left "
              + "none, or they were removed: keep-alive)");
    }
    List<Clone> clones = new ArrayList<>();
    try {
      for (String[] f : found) {
        try {
          clones.add(cloneOf(f[0], f[1], noopCode, runId));
        } catch (IOException gone) {
          // The platform may remove a container between the listing and the inspection (keep-alive,
          // a failure).
          progress.printf("direct-run: skipping %s: %s%n", f[0], gone.getMessage());
        }
      }
      if (clones.isEmpty())
        throw new IOException("--direct-run: none of kwhisk's containers could be cloned");
      progress.printf(
          "direct-run: %d clone(s) of kwhisk's containers: %s%n",
          clones.size(),
          clones.stream()
              .map(c -> c.ip() + " (" + c.action() + ")")
              .collect(Collectors.joining(", ")));
      Scenario direct =
          new Scenario(
              DESIGN,
              kwhisk.actions(),
              kwhisk.users(),
              0,
              kwhisk.warmup(),
              kwhisk.duration(),
              kwhisk.pick(),
              kwhisk.prefix(),
              kwhisk.maxInFlight());
      InvokeClient client = roundRobin(clones);
      CpuSampler cpu =
          CpuSampler.system(List.of(), ContainerLister.docker(LABEL + "=" + runId, a -> true));
      return new LoadGenerator(
              client,
              progress,
              timeout,
              Clock.systemUTC(),
              Optional.of(cpu),
              r -> Outcome.ofRun(r.status(), r.body()))
          .run(direct);
    } finally {
      for (Clone c : clones) {
        try {
          ContainerLister.run(List.of("docker", "rm", "-f", c.id()));
        } catch (IOException e) {
          progress.printf("direct-run: could not remove %s: %s%n", c.id(), e.getMessage());
        }
      }
    }
  }

  private Clone cloneOf(String id, String actionFqn, String noopCode, String runId)
      throws IOException, InterruptedException {
    String[] spec =
        ContainerLister.run(
                List.of(
                    "docker",
                    "inspect",
                    "-f",
                    "{{.Config.Image}} {{.HostConfig.Memory}} {{.HostConfig.NetworkMode}}",
                    id))
            .get(0)
            .strip()
            .split(" ");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "docker",
                "run",
                "-d",
                "--rm",
                "--label",
                LABEL + "=" + runId,
                "--network",
                spec[2]));
    if (!spec[1].equals("0")) cmd.addAll(List.of("--memory", spec[1], "--memory-swap", spec[1]));
    cmd.add(spec[0]);
    String clone = ContainerLister.run(cmd).get(0).strip();
    String ip =
        ContainerLister.run(
                List.of(
                    "docker",
                    "inspect",
                    "-f",
                    "{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}",
                    clone))
            .get(0)
            .strip()
            .split(" ")[0];
    InetAddress address = InetAddress.getByName(ip);
    if (!address.isSiteLocalAddress() && !address.isLoopbackAddress()) {
      ContainerLister.run(List.of("docker", "rm", "-f", clone));
      throw new IOException(
          "--direct-run: clone of " + id + " got " + ip + ", not a private bridge address");
    }
    init(ip, actionFqn, noopCode);
    return new Clone(clone, ip, actionFqn);
  }

  /**
   * {@code /init} with the action's code, retried while the runtime is not listening yet (at most
   * 30 s).
   */
  private static void init(String ip, String actionFqn, String code)
      throws IOException, InterruptedException {
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
    String body =
        "{\"value\":{\"name\":"
            + Json.encodeString(actionFqn)
            + ",\"main\":\"main\",\"code\":"
            + Json.encodeString(code)
            + ",\"binary\":false,\"env\":{}}}";
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://" + ip + ":" + PORT + "/init"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200)
          throw new IOException("/init of " + ip + " answered " + r.statusCode());
        return;
      } catch (IOException notYet) {
        // Refused or reset while the runtime starts; an answer other than 200 is thrown above, not
        // retried.
        if (notYet.getMessage() != null && notYet.getMessage().startsWith("/init of")) throw notYet;
        if (System.nanoTime() - deadline > 0) throw notYet;
        Thread.sleep(50);
      }
    }
  }

  /** Connection i goes to clone i mod N: each user keeps to one container, users spread evenly. */
  private InvokeClient roundRobin(List<Clone> clones) {
    List<RawHttpClient> clients = new ArrayList<>();
    for (Clone c : clones) {
      byte[] run =
          RawHttpClient.jsonPost(
              c.ip(),
              PORT,
              "/run",
              "{\"value\":{},\"namespace\":\"guest\","
                  + "\"action_name\":"
                  + Json.encodeString("/" + c.action())
                  + ",\"activation_id\":\"0\","
                  + "\"deadline\":\""
                  + (System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1))
                  + "\"}");
      clients.add(new RawHttpClient(c.ip(), PORT, timeout, key -> run));
    }
    AtomicInteger next = new AtomicInteger();
    return () -> clients.get(Math.floorMod(next.getAndIncrement(), clients.size())).open();
  }
}
