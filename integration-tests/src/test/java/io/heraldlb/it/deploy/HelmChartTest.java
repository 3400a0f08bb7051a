package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.it.lab.BuildScript;
import io.heraldlb.it.lab.Programs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/helm/heraldlb under Helm itself (built from its Go module by
 * integration-tests/helm/build.sh): it lints, and it renders the objects the kustomizations do —
 * deploy/ with the default values, deploy/secure-metrics/ with guarded metrics switched on — up to
 * what only one of them has (Helm's labels, the chart's generated membership Secret, the namespace
 * the kustomization creates) and the settings the chart spells out where the manifests leave the
 * default.
 */
class HelmChartTest {
  private static final Path REPO = Programs.repositoryRoot();
  private static final Path CHART = REPO.resolve("deploy/helm/heraldlb");
  private static final String NS = "heraldlb-system";

  private static Path helm() {
    return GoTools.path("helm");
  }

  static String run(List<String> argv) throws Exception {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", argv) + " did not finish");
    assertEquals(0, p.exitValue(), String.join(" ", argv) + ":\n" + out);
    return out;
  }

  private static String helm(String... args) throws Exception {
    List<String> argv = new ArrayList<>(List.of(helm().toString()));
    argv.addAll(List.of(args));
    return run(argv);
  }

  private static List<Map<String, Object>> parse(String yaml, Path dir) throws IOException {
    Path file = Files.createTempFile(dir, "rendered", ".yaml");
    Files.writeString(file, yaml);
    return Yaml.documents(file);
  }

  @Test
  void theChartLints() throws Exception {
    String out = helm("lint", CHART.toString());
    assertTrue(out.contains("1 chart(s) linted, 0 chart(s) failed"), out);
  }

  @Test
  void withDefaultValuesTheChartRendersTheKustomizationsObjects(@TempDir Path dir)
      throws Exception {
    List<Map<String, Object>> chart =
        parse(helm("template", "heraldlb", CHART.toString(), "-n", NS, "--include-crds"), dir);
    assertImages(chart);
    assertEquals(comparable(Kustomization.build(REPO.resolve("deploy"))), comparable(chart));
  }

  @Test
  void withGuardedMetricsTheChartRendersTheSecureOverlaysObjects(@TempDir Path dir)
      throws Exception {
    Path kube = BuildScript.run("integration-tests/kube/build.sh", "the control plane");
    List<Map<String, Object>> overlay =
        parse(
            run(
                List.of(
                    kube.resolve("kubectl").toString(),
                    "kustomize",
                    REPO.resolve("deploy/secure-metrics").toString())),
            dir);
    List<Map<String, Object>> chart =
        parse(
            helm(
                "template",
                "heraldlb",
                CHART.toString(),
                "-n",
                NS,
                "--include-crds",
                "--set",
                "metrics.tls.enabled=true",
                "--set",
                "metrics.authorization=true"),
            dir);
    assertEquals(comparable(overlay), comparable(chart));
  }

  @Test
  void authorizationWithoutTlsIsRefusedAtRenderTime() throws Exception {
    Process p =
        new ProcessBuilder(
                helm().toString(),
                "template",
                "heraldlb",
                CHART.toString(),
                "--set",
                "metrics.authorization=true")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    assertTrue(p.exitValue() != 0 && out.contains("metrics.authorization needs"), out);
  }

  @Test
  void poolsAndMonitoringAreSwitchedOnByValues(@TempDir Path dir) throws Exception {
    Path values = dir.resolve("values.yaml");
    Files.writeString(
        values,
        """
        pools: |
          pools { lan { addresses = ["192.168.1.240-192.168.1.250"] } }
        loadBalancerClass: example.com/lb
        metrics:
          serviceMonitor: {enabled: true, labels: {release: kube-prometheus-stack}}
          prometheusRule: {enabled: true, labels: {release: kube-prometheus-stack}}
        """);
    List<Map<String, Object>> chart =
        parse(
            helm("template", "heraldlb", CHART.toString(), "-n", NS, "-f", values.toString()), dir);
    Map<String, Map<String, Object>> byId = new TreeMap<>();
    chart.forEach(o -> byId.put(Yaml.id(o), o));
    Map<String, Object> pools = byId.get("ConfigMap " + NS + "/heraldlb-config");
    assertTrue(
        String.valueOf(Yaml.map(pools, "data").get("pools.conf")).contains("192.168.1.240"),
        String.valueOf(pools));
    for (String id :
        List.of("ServiceMonitor " + NS + "/heraldlb", "PrometheusRule " + NS + "/heraldlb")) {
      assertEquals(
          "kube-prometheus-stack",
          Yaml.map(Yaml.map(byId.get(id), "metadata"), "labels").get("release"),
          id);
    }
    // The chart's rules are the shipped ones.
    Map<String, Object> shipped =
        Yaml.map(
            Yaml.documents(REPO.resolve("deploy/monitoring/prometheusrule.yaml")).get(0), "spec");
    assertEquals(
        shipped.get("groups"),
        Yaml.map(byId.get("PrometheusRule " + NS + "/heraldlb"), "spec").get("groups"));
    String env = String.valueOf(byId.get("DaemonSet " + NS + "/heraldlb-speaker"));
    assertTrue(env.contains("HERALDLB_LOAD_BALANCER_CLASS") && env.contains("example.com/lb"), env);
  }

  private static void assertImages(List<Map<String, Object>> chart) throws IOException {
    String version =
        java.util.regex.Pattern.compile(
                "<artifactId>heraldlb-parent</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(Files.readString(REPO.resolve("pom.xml")))
            .results()
            .findFirst()
            .orElseThrow()
            .group(1);
    for (Map<String, Object> o : chart) {
      if (Set.of("DaemonSet", "Deployment").contains(Yaml.string(o, "kind"))) {
        Map<String, Object> pod = Yaml.map(Yaml.map(Yaml.map(o, "spec"), "template"), "spec");
        String image = Yaml.string(Yaml.list(pod, "containers").get(0), "image");
        String program = Yaml.name(o).replace("heraldlb-", "");
        assertEquals("ghcr.io/heraldlb/" + program + ":" + version, image);
      }
    }
  }

  /**
   * The objects by id, without what only one side has: top-level labels and annotations (Helm's),
   * the Namespace (the kustomization makes it, a chart is installed into one), the membership
   * Secret (the chart makes it, the manifests leave it to the installer), images (tags differ in
   * form), and the settings the chart spells out at their defaults (probe scheme HTTP, transport
   * auto, empty interfaces).
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> comparable(List<Map<String, Object>> objects) {
    Map<String, Object> out = new TreeMap<>();
    for (Map<String, Object> o : objects) {
      String kind = Yaml.string(o, "kind");
      if (kind.equals("Namespace")
          || (kind.equals("Secret") && Yaml.name(o).equals("heraldlb-membership"))) {
        continue;
      }
      Map<String, Object> copy = deepCopy(o);
      Map<String, Object> meta = (Map<String, Object>) copy.get("metadata");
      meta.remove("labels");
      meta.remove("annotations");
      if (Set.of("DaemonSet", "Deployment").contains(kind)) {
        Map<String, Object> pod =
            (Map<String, Object>)
                ((Map<String, Object>) ((Map<String, Object>) copy.get("spec")).get("template"))
                    .get("spec");
        for (Object c : (List<Object>) pod.get("containers")) {
          Map<String, Object> container = (Map<String, Object>) c;
          container.remove("image");
          List<Object> env = (List<Object>) container.get("env");
          env.removeIf(
              e -> {
                Map<String, Object> v = (Map<String, Object>) e;
                return v.get("name").equals("HERALDLB_TRANSPORT") && "auto".equals(v.get("value"));
              });
          // Kustomize's patches put their entries first; order means nothing here (no $(VAR)).
          byName(env);
          byName((List<Object>) container.get("volumeMounts"));
          for (String probe : List.of("readinessProbe", "livenessProbe")) {
            Map<String, Object> get =
                (Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet");
            if ("HTTP".equals(get.get("scheme"))) {
              get.remove("scheme");
            }
          }
        }
        byName((List<Object>) pod.get("volumes"));
      }
      out.put(Yaml.id(o), copy);
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static void byName(List<Object> entries) {
    entries.sort(
        java.util.Comparator.comparing(e -> String.valueOf(((Map<String, Object>) e).get("name"))));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> deepCopy(Map<String, Object> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, copyValue(v)));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static Object copyValue(Object v) {
    if (v instanceof Map<?, ?> map) {
      return deepCopy((Map<String, Object>) map);
    }
    if (v instanceof List<?> list) {
      List<Object> out = new ArrayList<>();
      list.forEach(x -> out.add(copyValue(x)));
      return out;
    }
    return v;
  }
}
