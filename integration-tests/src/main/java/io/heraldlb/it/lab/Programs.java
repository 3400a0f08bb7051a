package io.heraldlb.it.lab;

import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Where the programs the lab runs are: the HeraldLB jars, this JVM's java, the lab's classes. */
public final class Programs {
  public static final String ALLOCATOR_JAR = "allocator/target/heraldlb-allocator.jar";
  public static final String SPEAKER_JAR = "speaker/target/heraldlb-speaker.jar";

  private Programs() {}

  /**
   * The repository root: {@code -Dheraldlb.repo}, else the first directory above the working
   * directory or above these classes that holds {@code integration-tests/pom.xml}.
   */
  public static Path repositoryRoot() {
    String property = System.getProperty("heraldlb.repo");
    if (property != null) {
      return Path.of(property).toAbsolutePath();
    }
    List<Path> starts = new ArrayList<>();
    starts.add(Path.of("").toAbsolutePath());
    codeSource().ifPresent(starts::add);
    for (Path start : starts) {
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        if (Files.isRegularFile(dir.resolve("integration-tests/pom.xml"))) {
          return dir;
        }
      }
    }
    throw new LabException(
        "cannot find the HeraldLB repository above " + starts + "; set -Dheraldlb.repo=DIR");
  }

  public static Path allocatorJar() {
    return requireJar(ALLOCATOR_JAR);
  }

  public static Path speakerJar() {
    return requireJar(SPEAKER_JAR);
  }

  private static Path requireJar(String relative) {
    Path jar = repositoryRoot().resolve(relative);
    if (!Files.isRegularFile(jar)) {
      throw new LabException(
          jar
              + " does not exist: build it first with `mvn -B -q -DskipTests package` in "
              + repositoryRoot());
    }
    return jar;
  }

  /** The java binary of this JVM, so child JVMs run the same version. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * A classpath with the lab's own classes and their dependencies, for small helper JVMs (backend,
   * frame sender): {@code target/lab.classpath} written by the build, else this JVM's classpath.
   */
  public static String labClasspath() {
    Optional<Path> classes = codeSource();
    if (classes.isPresent()) {
      Path file = classes.get().resolveSibling("lab.classpath");
      if (Files.isRegularFile(file)) {
        try {
          return classes.get() + File.pathSeparator + Files.readString(file).strip();
        } catch (IOException e) {
          throw new LabException("cannot read " + file, e);
        }
      }
    }
    return System.getProperty("java.class.path");
  }

  /** {@code integration-tests/target/classes} (or the module's jar) holding these classes. */
  static Optional<Path> codeSource() {
    try {
      var source = Programs.class.getProtectionDomain().getCodeSource();
      return source == null
          ? Optional.empty()
          : Optional.of(Path.of(source.getLocation().toURI()).toAbsolutePath());
    } catch (URISyntaxException | SecurityException e) {
      return Optional.empty();
    }
  }
}
