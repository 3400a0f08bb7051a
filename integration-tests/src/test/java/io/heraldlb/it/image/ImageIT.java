package io.heraldlb.it.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.heraldlb.it.lab.Cmd;
import io.heraldlb.it.lab.Lab;
import io.heraldlb.it.lab.LabNode;
import io.heraldlb.it.lab.LabProcess;
import io.heraldlb.it.lab.LabTest;
import io.heraldlb.it.lab.Programs;
import io.heraldlb.it.lab.SpeakerLab;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The speaker's container image, as {@code mvn -Pimage} builds it, run in the lab: its filesystem
 * unpacked, its config's entrypoint and environment, as the node's speaker. Skipped, saying so,
 * when the image tars have not been built.
 */
@LabTest(nodes = 1)
class ImageIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theAmd64SpeakerImageAnswersArpOnBothTransports(Lab lab) throws IOException {
    Path tar = imageTar("speaker", "amd64");
    Path dir = lab.logDir().resolve("speaker-image");
    JsonNode config = unpack(tar, dir);
    assertEquals("amd64", config.path("architecture").asString());
    List<String> entrypoint = new ArrayList<>();
    config.path("config").path("Entrypoint").forEach(n -> entrypoint.add(n.asString()));
    Map<String, String> env = new LinkedHashMap<>();
    config
        .path("config")
        .path("Env")
        .forEach(
            n -> {
              String[] kv = n.asString().split("=", 2);
              env.put(kv[0], kv[1]);
            });
    LabNode node = lab.node(1);
    String ip = lab.subnet().v4(100);
    lab.serveServices();
    new SpeakerLab(lab).publish("web", ip);
    try {
      for (String transport : List.of("packet", "pcap")) {
        // As the DaemonSet runs it: UID 0 holding NET_RAW (the image's own user is 65532).
        LabProcess speaker =
            lab.startSpeakerFromImage(
                node,
                dir.resolve("rootfs"),
                entrypoint,
                env,
                "0:0",
                Map.of("HERALDLB_TRANSPORT", transport));
        try {
          speaker.awaitLog("answering ARP/NDP through .*\\(" + transport, Duration.ofSeconds(60));
          assertEquals(
              node, new SpeakerLab(lab).awaitAnnouncedBy(node, ip, Duration.ofSeconds(60)));
          var arping = lab.client().arpingBroadcast(ip, 3, Duration.ofSeconds(4));
          System.out.printf(
              "speaker image %s (%s transport): %d replies for %s from %s%n",
              tar.getFileName(), transport, arping.macs().size(), ip, arping.distinctMacs());
          assertEquals(List.of(node.mac()), arping.distinctMacs());
          assertEquals(3, arping.macs().size(), "one reply per request");
        } finally {
          speaker.stop();
        }
      }
    } finally {
      Cmd.run("rm", "-rf", dir.toString());
    }
  }

  @Test
  void theArm64ImagesCarryAnArm64Runtime(Lab lab) throws IOException {
    for (String program : List.of("speaker", "allocator")) {
      Path tar = imageTar(program, "arm64");
      Path dir = lab.logDir().resolve(program + "-image-arm64");
      try {
        JsonNode config = unpack(tar, dir);
        assertEquals("arm64", config.path("architecture").asString());
        Path java = dir.resolve("rootfs/usr/lib/jvm/java-17-openjdk-arm64/bin/java");
        byte[] elf = Files.readAllBytes(java);
        assertEquals(0xB7, elf[18] & 0xFF, java + " is an AArch64 ELF (e_machine 183)");
        assertTrue(
            Files.isRegularFile(dir.resolve("rootfs/usr/lib/aarch64-linux-gnu/libpcap.so.0.8")));
      } finally {
        Cmd.run("rm", "-rf", dir.toString());
      }
    }
  }

  private static Path imageTar(String program, String arch) throws IOException {
    Path target = Programs.repositoryRoot().resolve(program).resolve("target");
    try (Stream<Path> files = Files.exists(target) ? Files.list(target) : Stream.empty()) {
      List<Path> tars =
          files
              .filter(
                  p ->
                      p.getFileName()
                          .toString()
                          .matches("heraldlb-" + program + "-.+-" + arch + "\\.tar"))
              .toList();
      Assumptions.assumeTrue(
          tars.size() == 1,
          "no "
              + program
              + " image tar for "
              + arch
              + " in "
              + target
              + ": build the images with `mvn -B -Pimage -DskipTests package`");
      return tars.get(0);
    }
  }

  /** Unpacks a docker-save tar into {@code dir}: its layers, in order, into dir/rootfs. */
  private static JsonNode unpack(Path tar, Path dir) {
    try {
      Path rootfs = dir.resolve("rootfs");
      Files.createDirectories(rootfs);
      Cmd.run(List.of("tar", "-xf", tar.toString(), "-C", dir.toString()), Duration.ofMinutes(2))
          .orThrow();
      JsonNode manifest = JSON.readTree(dir.resolve("manifest.json").toFile()).get(0);
      for (JsonNode layer : manifest.path("Layers")) {
        Cmd.run(
                List.of(
                    "tar",
                    "-xzf",
                    dir.resolve(layer.asString()).toString(),
                    "-C",
                    rootfs.toString()),
                Duration.ofMinutes(2))
            .orThrow();
      }
      return JSON.readTree(dir.resolve(manifest.path("Config").asString()).toFile());
    } catch (tools.jackson.core.JacksonException e) {
      throw new IllegalStateException("cannot read the image's manifest in " + dir, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
