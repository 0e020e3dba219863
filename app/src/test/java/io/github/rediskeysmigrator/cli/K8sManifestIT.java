package io.github.rediskeysmigrator.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.rediskeysmigrator.core.JsonText;
import io.github.rediskeysmigrator.testing.RedisServerExtension;
import io.github.rediskeysmigrator.testing.RepoDir;
import io.github.rediskeysmigrator.testing.SampleData;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import redis.clients.jedis.Jedis;

/**
 * The example Indexed Job in scripts/k8s: it has what Kubernetes requires of one, it keeps the
 * password out of the arguments, and its container arguments, run by the tool as a pod would run
 * them (its volumes as directories, its index in the environment), migrate exactly that pod's shard
 * and write that pod's report.
 */
class K8sManifestIT {
  private static final String PASSWORD = "s3cret-from-the-secret";

  @RegisterExtension static final RedisServerExtension source = RedisServerExtension.debian();

  @RegisterExtension
  static final RedisServerExtension dest = RedisServerExtension.debian("--requirepass", PASSWORD);

  private static Map<String, Object> configMap;
  private static Map<String, Object> job;

  @TempDir Path tmp;

  @BeforeAll
  static void load() throws IOException {
    Path file = RepoDir.find().resolve("scripts/k8s/migrate-shards-job.yaml");
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      for (Object doc : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(r)) {
        Map<String, Object> m = map(doc);
        switch ((String) m.get("kind")) {
          case "ConfigMap" -> configMap = m;
          case "Job" -> job = m;
          default -> throw new AssertionError("unexpected kind " + m.get("kind"));
        }
      }
    }
    assertNotNull(job, "no Job in " + file);
    assertNotNull(configMap, "no ConfigMap in " + file);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertTrue(o instanceof Map, "a mapping expected: " + o);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object o) {
    assertTrue(o instanceof List, "a sequence expected: " + o);
    return (List<Object>) o;
  }

  private static Map<String, Object> at(Map<String, Object> m, String... path) {
    Map<String, Object> cur = m;
    for (String p : path) {
      cur = map(cur.get(p));
    }
    return cur;
  }

  private static Map<String, Object> container() {
    List<Object> containers = list(at(job, "spec", "template", "spec").get("containers"));
    assertEquals(1, containers.size());
    return map(containers.get(0));
  }

  private static List<String> args() {
    return list(container().get("args")).stream().map(String.class::cast).toList();
  }

  private static Map<String, Object> env(String name) {
    for (Object e : list(container().get("env"))) {
      if (name.equals(map(e).get("name"))) {
        return map(e);
      }
    }
    throw new AssertionError("no env " + name + " in " + container());
  }

  /** The value of {@code --name=value} in the container's arguments. */
  private static String arg(String name) {
    for (String a : args()) {
      if (a.startsWith(name + "=")) {
        return a.substring(name.length() + 1);
      }
    }
    throw new AssertionError("no " + name + "=... in " + args());
  }

  private static List<String> shardLines() {
    String text = (String) map(configMap.get("data")).get("shards.txt");
    return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
  }

  @Test
  void isAnIndexedJobAsKubernetesRequiresIt() {
    assertEquals("batch/v1", job.get("apiVersion"));
    String name = (String) at(job, "metadata").get("name");
    assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && name.length() <= 63, name);
    Map<String, Object> spec = at(job, "spec");
    assertEquals("Indexed", spec.get("completionMode"));
    int completions = (Integer) spec.get("completions");
    int parallelism = (Integer) spec.get("parallelism");
    assertTrue(completions >= 1 && parallelism >= 1 && parallelism <= completions, spec::toString);
    String restart = (String) at(spec, "template", "spec").get("restartPolicy");
    assertTrue(Set.of("Never", "OnFailure").contains(restart), restart);
    if (spec.containsKey("backoffLimitPerIndex") || spec.containsKey("podFailurePolicy")) {
      assertEquals("Never", restart, "backoffLimitPerIndex and podFailurePolicy need Never");
    }
    Map<String, Object> c = container();
    assertFalse(((String) c.get("name")).isBlank());
    assertFalse(((String) c.get("image")).isBlank());
    assertFalse(c.containsKey("command"), "the image's ENTRYPOINT is the tool");
    assertEquals(
        "metadata.annotations['batch.kubernetes.io/job-completion-index']",
        at(env("JOB_COMPLETION_INDEX"), "valueFrom", "fieldRef").get("fieldPath"));
    assertEquals(
        completions, shardLines().size(), "completions must be the number of files in shards.txt");
  }

  @Test
  void thePasswordComesFromASecretNeverFromTheArguments() {
    Map<String, Object> ref = at(env("DESTINATION_REDIS_PASSWORD"), "valueFrom", "secretKeyRef");
    assertFalse(((String) ref.get("name")).isBlank());
    assertFalse(((String) ref.get("key")).isBlank());
    for (String a : args()) {
      assertFalse(a.contains("@") || a.toLowerCase().contains("password"), a);
    }
  }

  @Test
  void everyPodWritesItsOwnFilesToMountedVolumes() throws IOException {
    assertTrue(arg("--report").contains("{index}"));
    assertTrue(arg("--error-log").contains("{index}"));
    Map<String, Object> pod = at(job, "spec", "template", "spec");
    Set<String> volumes =
        list(pod.get("volumes")).stream()
            .map(v -> (String) map(v).get("name"))
            .collect(Collectors.toSet());
    List<String> mounts = new ArrayList<>();
    for (Object m : list(container().get("volumeMounts"))) {
      assertTrue(volumes.contains(map(m).get("name")), m::toString);
      mounts.add((String) map(m).get("mountPath"));
    }
    for (String path : List.of(arg("--files-from"), arg("--report"), arg("--error-log"))) {
      assertTrue(mounts.stream().anyMatch(m -> path.startsWith(m + "/")), path + " on " + mounts);
    }
    assertTrue(arg("--files-from").endsWith("/shards.txt"));
    // The pod runs as the image's user, so it can write what the image's user can.
    Matcher user =
        Pattern.compile("(?m)^USER (\\d+)")
            .matcher(Files.readString(RepoDir.find().resolve("Dockerfile")));
    assertTrue(user.find());
    assertEquals(Integer.valueOf(user.group(1)), at(pod, "securityContext").get("runAsUser"));
  }

  @Test
  void theContainerArgumentsMigrateThePodsShardOnly() throws IOException {
    // The pod's volumes as directories: /config holds the ConfigMap, /data the RDB files.
    Path root = Files.createDirectories(tmp.resolve("pod"));
    List<String> files = shardLines();
    for (int i = 0; i < files.size(); i++) {
      source.server().flushAll();
      try (Jedis j = source.server().client()) {
        SampleData.fillStrings(j, "shard" + i + ":", 10 + i);
      }
      Path onVolume = root.resolve(files.get(i).substring(1));
      Files.createDirectories(onVolume.getParent());
      source.server().saveTo(onVolume);
    }
    String shardsTxt = (String) map(configMap.get("data")).get("shards.txt");
    Path list = root.resolve(arg("--files-from").substring(1));
    Files.createDirectories(list.getParent());
    Files.writeString(list, shardsTxt.replaceAll("(?m)^/", root + "/"));
    Files.createDirectories(root.resolve(arg("--report").substring(1)).getParent());
    List<String> args = new ArrayList<>();
    for (String a : args()) {
      if (a.startsWith("--to=")) {
        args.add("--to=" + dest.uri());
      } else if (a.startsWith("--files-from=")
          || a.startsWith("--report=")
          || a.startsWith("--error-log=")) {
        int eq = a.indexOf('=');
        args.add(a.substring(0, eq + 1) + root + a.substring(eq + 1));
      } else {
        args.add(a);
      }
    }

    Tool.Result r =
        Tool.run(
            Map.of("JOB_COMPLETION_INDEX", "2", "DESTINATION_REDIS_PASSWORD", PASSWORD),
            args.toArray(String[]::new));

    assertEquals(0, r.exit(), r::toString);
    try (Jedis d = dest.server().client()) {
      assertEquals(12, d.dbSize());
      assertEquals("value-11", d.get("shard2:11"));
    }
    Path report = Path.of(root + arg("--report").replace("{index}", "2"));
    Map<String, Object> json = JsonText.object(Files.readString(report));
    assertEquals(new BigDecimal(12), json.get("written"));
    assertEquals(root.resolve(files.get(2).substring(1)).toString(), json.get("source"));
    assertFalse(Files.readString(report).contains(PASSWORD));
    assertTrue(Files.exists(Path.of(root + arg("--error-log").replace("{index}", "2"))));
  }
}
