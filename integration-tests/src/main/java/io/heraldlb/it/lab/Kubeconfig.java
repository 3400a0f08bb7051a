package io.heraldlb.it.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;

/** The kubeconfig files the lab hands to kubectl, upstream's components and HeraldLB. */
final class Kubeconfig {
  private Kubeconfig() {}

  /**
   * Writes a kubeconfig with one cluster, one user and one context, readable by its owner only.
   *
   * @param caPem the API server's CA, or null for plain HTTP
   * @param token the user's bearer token, or null for none
   */
  static void write(Path file, String server, String caPem, String user, String token) {
    String ca =
        caPem == null
            ? ""
            : "\n    certificate-authority-data: "
                + Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.UTF_8));
    String credentials = token == null ? "{}" : "\n    token: " + token;
    String text =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: heraldlb-lab
          cluster:
            server: %s%s
        users:
        - name: %s
          user: %s
        contexts:
        - name: heraldlb-lab
          context:
            cluster: heraldlb-lab
            user: %s
            namespace: default
        current-context: heraldlb-lab
        """
            .formatted(server, ca, user, credentials, user);
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (IOException e) {
      throw new LabException("cannot write " + file, e);
    }
  }
}
