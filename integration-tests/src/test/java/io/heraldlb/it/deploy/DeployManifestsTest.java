package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.heraldlb.it.lab.Programs;
import io.heraldlb.runtime.ValidateCommand;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code deploy/}: every file parses, the kustomization builds, and it keeps the contract (the Helm
 * chart under {@code deploy/helm/} is checked rendered, by {@link HelmChartTest}).
 */
class DeployManifestsTest {
  private static final Path REPO = Programs.repositoryRoot();
  private static final Path DEPLOY = REPO.resolve("deploy");
  private static final String NS = "heraldlb-system";

  /** The chart's templates are not YAML until Helm renders them: HelmChartTest checks those. */
  private static final Path CHART = DEPLOY.resolve("helm");

  private static List<Path> files(String suffix) throws IOException {
    try (Stream<Path> walk = Files.walk(DEPLOY)) {
      return walk.filter(p -> p.toString().endsWith(suffix) && !p.startsWith(CHART))
          .sorted()
          .toList();
    }
  }

  private static List<Map<String, Object>> built() {
    return Kustomization.build(DEPLOY);
  }

  private static Map<String, Object> object(String kind, String name) {
    return built().stream()
        .filter(o -> Yaml.string(o, "kind").equals(kind) && Yaml.name(o).equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the kustomization"));
  }

  @Test
  void everyYamlFileUnderDeployParsesIntoKubernetesObjects() throws IOException {
    List<Path> yamls = files(".yaml");
    assertTrue(yamls.size() >= 10, "found " + yamls);
    for (Path f : yamls) {
      List<Map<String, Object>> docs = Yaml.documents(f);
      assertFalse(docs.isEmpty(), f + " is empty");
      for (Map<String, Object> d : docs) {
        assertFalse(Yaml.string(d, "apiVersion").isEmpty(), f + ": a document without apiVersion");
        assertFalse(Yaml.string(d, "kind").isEmpty(), f + ": a document without kind");
        if (!Yaml.string(d, "kind").equals("Kustomization")) {
          assertFalse(
              Yaml.name(d).isEmpty(), f + ": " + Yaml.string(d, "kind") + " without a name");
        }
      }
    }
  }

  @Test
  void theGrafanaDashboardIsJson() throws IOException {
    for (Path f : files(".json")) {
      Map<?, ?> dashboard = new ObjectMapper().readValue(f.toFile(), Map.class);
      assertTrue(dashboard.containsKey("panels"), f + " has no panels");
    }
  }

  @Test
  void theKustomizationListsOnlyFilesThatExistAndInstallsBothProgramsButNoPools() {
    Set<String> ids = built().stream().map(Yaml::id).collect(Collectors.toSet());
    // The pools are applied on their own: re-applying must not undo a pool edit, and a cluster
    // switching from MetalLB must get no ConfigMap that wins over MetalLB's IPAddressPools.
    assertFalse(ids.contains("ConfigMap " + NS + "/heraldlb-config"), ids.toString());
    for (String id :
        List.of(
            "Namespace " + NS,
            "ServiceAccount " + NS + "/heraldlb-allocator",
            "ServiceAccount " + NS + "/heraldlb-speaker",
            "Deployment " + NS + "/heraldlb-allocator",
            "PodDisruptionBudget " + NS + "/heraldlb-allocator",
            "DaemonSet " + NS + "/heraldlb-speaker",
            "Service " + NS + "/heraldlb-allocator-metrics",
            "Service " + NS + "/heraldlb-speaker-metrics")) {
      assertTrue(ids.contains(id), "missing " + id + " in " + ids);
    }
    for (Map<String, Object> o : built()) {
      String ns = Yaml.namespace(o);
      assertTrue(ns == null || ns.equals(NS), Yaml.id(o) + " outside " + NS);
    }
  }

  /** kubectl (or kustomize) renders the same objects as the Java subset, where one is installed. */
  @Test
  void kubectlKustomizeAgreesWithTheJavaSubsetWhenInstalled() throws Exception {
    Path kubectl = onPath("kubectl");
    assumeTrue(
        kubectl != null, "no kubectl on PATH: the kustomization is checked by the subset only");
    Process p =
        new ProcessBuilder(kubectl.toString(), "kustomize", DEPLOY.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
    assertEquals(0, p.exitValue(), out);
    Path rendered = Files.createTempFile("heraldlb-kustomize", ".yaml");
    try {
      Files.writeString(rendered, out);
      assertEquals(byId(built()), byId(Yaml.documents(rendered)));
    } finally {
      Files.delete(rendered);
    }
  }

  private static Map<String, Map<String, Object>> byId(List<Map<String, Object>> objects) {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    objects.forEach(o -> out.put(Yaml.id(o), o));
    return out;
  }

  private static Path onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, program);
      if (Files.isExecutable(p)) {
        return p;
      }
    }
    return null;
  }

  @Test
  void theKustomizationAppliesToTheMockApiServer() {
    try (RecordingApiServer api = RecordingApiServer.start()) {
      List<HasMetadata> created = api.apply(built());
      assertEquals(built().size(), created.size());
      assertEquals(
          2,
          api.client()
              .apps()
              .deployments()
              .inNamespace(NS)
              .withName("heraldlb-allocator")
              .get()
              .getSpec()
              .getReplicas());
    }
  }

  @Test
  void everyPoolConfigMapUnderDeployValidates() throws IOException {
    int checked = 0;
    for (Path f : files(".yaml")) {
      boolean pool =
          Yaml.documents(f).stream()
              .anyMatch(
                  d ->
                      Yaml.string(d, "kind").equals("ConfigMap")
                          && (Yaml.map(d, "data").containsKey("pools.conf")
                              || Yaml.map(d, "data").containsKey("config")));
      if (!pool) {
        continue;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      int code =
          ValidateCommand.run(
              List.of(f.toString()),
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8));
      assertEquals(0, code, f + ":\n" + err.toString(StandardCharsets.UTF_8));
      checked++;
    }
    assertTrue(checked >= 4, "pool ConfigMaps checked: " + checked);
  }

  @Test
  void imagesAreTheOnesTheImageProfileBuildsWithTheProjectVersion() throws IOException {
    String version = projectVersion(REPO.resolve("pom.xml"));
    Map<String, String> images = new HashMap<>();
    for (Map<String, Object> o : built()) {
      Map<String, Object> pod = Yaml.map(Yaml.map(Yaml.map(o, "spec"), "template"), "spec");
      for (Map<String, Object> c : Yaml.list(pod, "containers")) {
        images.put(Yaml.name(o), Yaml.string(c, "image"));
      }
    }
    for (String program : List.of("allocator", "speaker")) {
      String jibImage = jibImage(REPO.resolve(program).resolve("pom.xml"));
      assertEquals(
          "ghcr.io/heraldlb/" + program + ":${project.version}", jibImage, program + "/pom.xml");
      assertEquals(
          "ghcr.io/heraldlb/" + program + ":" + version,
          images.get("heraldlb-" + program),
          "the image of heraldlb-"
              + program
              + " (set in deploy/base/kustomization.yaml `images:`)");
    }
  }

  /**
   * Every image a manifest, the kustomization or an image build names carries its registry:
   * HeraldLB's own under ghcr.io/heraldlb/, others with theirs. A bare name ("heraldlb/speaker")
   * goes to whatever registry a node's runtime defaults to, where anyone may register it.
   */
  @Test
  void everyImageReferenceNamesItsRegistryAndOursAreUnderTheProjectsNamespace() throws IOException {
    List<String> refs = new ArrayList<>();
    Pattern image = Pattern.compile("(?m)^[\\s-]*image:\\s*(\\S+)\\s*$");
    for (Path f : files(".yaml")) {
      Matcher m = image.matcher(Files.readString(f));
      while (m.find()) {
        refs.add(f.getFileName() + " " + m.group(1));
      }
      for (Map<String, Object> d : Yaml.documents(f)) {
        if (Yaml.string(d, "kind").equals("Kustomization") && d.get("images") != null) {
          for (Map<String, Object> i : Yaml.list(d, "images")) {
            refs.add(f.getFileName() + " " + Yaml.string(i, "name"));
          }
        }
      }
    }
    for (String program : List.of("allocator", "speaker")) {
      String pom = Files.readString(REPO.resolve(program).resolve("pom.xml"));
      Matcher m = Pattern.compile("<image>([^<$]+)").matcher(pom);
      while (m.find()) {
        refs.add(program + "/pom.xml " + m.group(1).strip());
      }
    }
    assertTrue(refs.size() >= 6, refs.toString());
    for (String ref : refs) {
      String name = ref.substring(ref.indexOf(' ') + 1);
      String registry = name.contains("/") ? name.substring(0, name.indexOf('/')) : "";
      assertTrue(
          registry.contains(".") || registry.contains(":") || registry.equals("localhost"),
          ref + ": no registry host");
      if (name.contains("heraldlb")) {
        assertTrue(name.startsWith("ghcr.io/heraldlb/"), ref + ": outside ghcr.io/heraldlb/");
      }
    }
  }

  private static String projectVersion(Path pom) throws IOException {
    Matcher m =
        Pattern.compile("<artifactId>heraldlb-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(pom));
    assertTrue(m.find(), "no version in " + pom);
    return m.group(1);
  }

  private static String jibImage(Path pom) throws IOException {
    Matcher m =
        Pattern.compile(
                "<id>image</id>.*?jib-maven-plugin.*?<to>\\s*<image>([^<]+)</image>",
                Pattern.DOTALL)
            .matcher(Files.readString(pom));
    assertTrue(m.find(), "no `image` profile with a Jib <to><image> in " + pom);
    return m.group(1).strip();
  }

  @Test
  void theSpeakerPodsKeepTheContract() {
    Map<String, Object> ds = object("DaemonSet", "heraldlb-speaker");
    Map<String, Object> template = Yaml.map(Yaml.map(ds, "spec"), "template");
    assertEquals(
        "heraldlb-speaker",
        Yaml.map(Yaml.map(template, "metadata"), "labels").get("app.kubernetes.io/name"));
    Map<String, Object> pod = Yaml.map(template, "spec");
    assertEquals(true, pod.get("hostNetwork"));
    assertEquals("ClusterFirstWithHostNet", pod.get("dnsPolicy"));
    Map<String, Object> c = Yaml.list(pod, "containers").get(0);
    Map<String, String> env = fieldRefs(c);
    assertEquals("spec.nodeName", env.get("HERALDLB_NODE_NAME"));
    assertEquals("status.podIP", env.get("HERALDLB_POD_IP"));
    Map<String, Object> security = Yaml.map(c, "securityContext");
    assertEquals(List.of("ALL"), Yaml.strings(Yaml.map(security, "capabilities"), "drop"));
    assertEquals(List.of("NET_RAW"), Yaml.strings(Yaml.map(security, "capabilities"), "add"));
    assertEquals(true, security.get("readOnlyRootFilesystem"));
    assertEquals(false, security.get("allowPrivilegeEscalation"));
    assertTrue(javaOptions(c).contains("-Djna.tmpdir=/tmp"));
    assertTrue(mounts(c).contains("/tmp"));
    // The speaker group's key, where the speaker looks for it by default, from the TLS Secret.
    assertTrue(mounts(c).contains("/etc/heraldlb/membership"));
    assertTrue(
        Yaml.list(pod, "volumes").stream()
            .anyMatch(
                v ->
                    v.get("secret") instanceof Map<?, ?> secret
                        && "heraldlb-membership".equals(secret.get("secretName"))),
        "the membership volume is the Secret heraldlb-membership");
    assertEquals(Set.of(7473, 7946, 8046), ports(c));
    assertTrue(
        Yaml.list(pod, "tolerations").stream()
            .anyMatch(t -> "node-role.kubernetes.io/control-plane".equals(t.get("key"))));
  }

  @Test
  void theAllocatorRunsTwoNonRootReplicasNamedAfterTheirPods() {
    Map<String, Object> deployment = object("Deployment", "heraldlb-allocator");
    assertEquals(2, Yaml.map(deployment, "spec").get("replicas"));
    Map<String, Object> pod = Yaml.map(Yaml.map(Yaml.map(deployment, "spec"), "template"), "spec");
    assertEquals(true, Yaml.map(pod, "securityContext").get("runAsNonRoot"));
    Map<String, Object> c = Yaml.list(pod, "containers").get(0);
    assertEquals("metadata.name", fieldRefs(c).get("HERALDLB_IDENTITY"));
    Map<String, Object> security = Yaml.map(c, "securityContext");
    assertEquals(List.of("ALL"), Yaml.strings(Yaml.map(security, "capabilities"), "drop"));
    assertEquals(true, security.get("readOnlyRootFilesystem"));
    assertEquals("/readyz", Yaml.map(Yaml.map(c, "readinessProbe"), "httpGet").get("path"));
    assertEquals("/healthz", Yaml.map(Yaml.map(c, "livenessProbe"), "httpGet").get("path"));
    assertEquals(Set.of(7472), ports(c));
    assertEquals(
        "status.podIP",
        fieldRefs(c).get("HERALDLB_POD_IP"),
        "the endpoints listen on the pod's address, which the probes use");
  }

  @Test
  void bothProgramsExitOnOutOfMemoryInPodsAndUnderSystemd() throws IOException {
    // An OutOfMemoryError can kill one thread (an informer's) while /healthz still passes: the
    // JVM must exit instead, so the pod or the unit restarts.
    for (String name : List.of("heraldlb-speaker", "heraldlb-allocator")) {
      Map<String, Object> workload =
          object(name.endsWith("speaker") ? "DaemonSet" : "Deployment", name);
      Map<String, Object> pod = Yaml.map(Yaml.map(Yaml.map(workload, "spec"), "template"), "spec");
      String options = javaOptions(Yaml.list(pod, "containers").get(0));
      assertTrue(options.contains("-XX:+ExitOnOutOfMemoryError"), name + ": " + options);
    }
    for (String unit : List.of("heraldlb-speaker.service", "heraldlb-allocator.service")) {
      String text = Files.readString(REPO.resolve("deploy/systemd").resolve(unit));
      assertTrue(text.contains("-XX:+ExitOnOutOfMemoryError"), unit);
    }
  }

  @Test
  void metricsServicesNameTheirPortMetrics() {
    for (String name : List.of("heraldlb-allocator-metrics", "heraldlb-speaker-metrics")) {
      Map<String, Object> svc = object("Service", name);
      assertEquals(
          List.of("metrics"),
          Yaml.list(Yaml.map(svc, "spec"), "ports").stream().map(p -> p.get("name")).toList());
      assertEquals(
          "heraldlb",
          Yaml.map(Yaml.map(svc, "metadata"), "labels").get("app.kubernetes.io/part-of"));
    }
  }

  @Test
  void noRuleTouchesSecretsOrUsesWildcards() {
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> o : built()) {
      String kind = Yaml.string(o, "kind");
      if (kind.endsWith("Binding")) {
        String role = Yaml.string(Yaml.map(o, "roleRef"), "name");
        if (!role.startsWith("heraldlb-")) {
          problems.add(Yaml.id(o) + " binds " + role);
        }
      }
      for (Map<String, Object> rule : Yaml.list(o, "rules")) {
        List<String> all = new ArrayList<>();
        for (String field : List.of("apiGroups", "resources", "verbs", "resourceNames")) {
          all.addAll(Yaml.strings(rule, field));
        }
        if (all.contains("*") || all.contains("secrets")) {
          problems.add(Yaml.id(o) + ": " + rule);
        }
      }
    }
    assertEquals(List.of(), problems);
  }

  private static Map<String, String> fieldRefs(Map<String, Object> container) {
    Map<String, String> out = new HashMap<>();
    for (Map<String, Object> e : Yaml.list(container, "env")) {
      Map<String, Object> ref = Yaml.map(Yaml.map(e, "valueFrom"), "fieldRef");
      if (!ref.isEmpty()) {
        out.put(Yaml.string(e, "name"), Yaml.string(ref, "fieldPath"));
      }
    }
    return out;
  }

  private static String javaOptions(Map<String, Object> container) {
    return Yaml.list(container, "env").stream()
        .filter(e -> "JAVA_TOOL_OPTIONS".equals(e.get("name")))
        .map(e -> Yaml.string(e, "value"))
        .findFirst()
        .orElse("");
  }

  private static Set<String> mounts(Map<String, Object> container) {
    return Yaml.list(container, "volumeMounts").stream()
        .map(m -> Yaml.string(m, "mountPath"))
        .collect(Collectors.toSet());
  }

  private static Set<Integer> ports(Map<String, Object> container) {
    return Yaml.list(container, "ports").stream()
        .map(p -> (Integer) p.get("containerPort"))
        .collect(Collectors.toSet());
  }
}
