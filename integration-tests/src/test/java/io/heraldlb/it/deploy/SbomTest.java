package io.heraldlb.it.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.it.lab.Programs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SBOM the build writes beside each program's jar names exactly what the jar holds: every
 * library shaded into it (by the pom.properties Maven leaves in it) is a component, with its
 * version.
 */
class SbomTest {
  /**
   * Libraries a dependency carries inside its own jar (relocated), which a dependency-based SBOM
   * cannot see: each with the component that brings it. Kept short and checked: every entry must be
   * in the jar, and its carrier in the SBOM.
   */
  private static final java.util.Map<String, String> VENDORED =
      java.util.Map.of(
          "org.jctools:jctools-core", "io.netty:netty-common",
          "org.jctools:jctools-core-jdk11", "io.netty:netty-common");

  @ParameterizedTest
  @ValueSource(strings = {"allocator", "speaker"})
  void theSbomListsEveryLibraryInTheJar(String program) throws IOException {
    Path root = Programs.repositoryRoot().resolve(program).resolve("target");
    Path jar = root.resolve("heraldlb-" + program + ".jar");
    Path sbom = root.resolve("heraldlb-" + program + ".cdx.json");
    assertTrue(Files.isRegularFile(sbom), sbom + " is written by the build");
    JsonNode bom = JsonMapper.builder().build().readTree(sbom.toFile());
    assertEquals("CycloneDX", bom.path("bomFormat").asString());
    assertEquals(
        "heraldlb-" + program, bom.path("metadata").path("component").path("name").asString());
    Set<String> listed = new TreeSet<>();
    for (JsonNode c : bom.path("components")) {
      listed.add(
          c.path("group").asString()
              + ":"
              + c.path("name").asString()
              + ":"
              + c.path("version").asString());
    }
    Set<String> inJar = new TreeSet<>();
    try (JarFile j = new JarFile(jar.toFile())) {
      for (var e : java.util.Collections.list(j.entries())) {
        if (e.getName().startsWith("META-INF/maven/") && e.getName().endsWith("/pom.properties")) {
          Properties p = new Properties();
          try (InputStream in = j.getInputStream(e)) {
            p.load(in);
          }
          String id =
              p.getProperty("groupId")
                  + ":"
                  + p.getProperty("artifactId")
                  + ":"
                  + p.getProperty("version");
          if (!id.startsWith("io.heraldlb:heraldlb-" + program + ":")) {
            inJar.add(id);
          }
        }
      }
    }
    Set<String> missing = new TreeSet<>(inJar);
    missing.removeAll(listed);
    for (String id : Set.copyOf(missing)) {
      String ga = id.substring(0, id.lastIndexOf(':'));
      String carrier = VENDORED.get(ga);
      if (carrier != null && listed.stream().anyMatch(l -> l.startsWith(carrier + ":"))) {
        missing.remove(id);
      }
    }
    assertEquals(Set.of(), missing, "in the jar but not in the SBOM");
    assertTrue(inJar.size() > 20, "the jar holds its libraries: " + inJar.size());
  }
}
