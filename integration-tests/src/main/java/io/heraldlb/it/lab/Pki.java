package io.heraldlb.it.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * The real control plane's keys, made with {@code openssl} for one lab: a CA, the API server's
 * serving certificate (for the addresses the lab reaches it on), and the ServiceAccount token
 * signing key pair. P-256 keys: made in milliseconds, accepted by every component.
 */
final class Pki {
  private static final String DAYS = "7";

  final Path caCert;
  final Path caKey;
  final Path serverCert;
  final Path serverKey;
  final Path serviceAccountKey;
  final Path serviceAccountPub;

  private Pki(Path dir) {
    this.caCert = dir.resolve("ca.crt");
    this.caKey = dir.resolve("ca.key");
    this.serverCert = dir.resolve("apiserver.crt");
    this.serverKey = dir.resolve("apiserver.key");
    this.serviceAccountKey = dir.resolve("sa.key");
    this.serviceAccountPub = dir.resolve("sa.pub");
  }

  /** Makes every key and certificate in {@code dir}, for an API server on {@code ips}. */
  static Pki create(Path dir, List<String> ips, List<String> dnsNames) {
    Pki pki = new Pki(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LabException("cannot create " + dir, e);
    }
    pki.openssl(
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        pki.caKey,
        "-out",
        pki.caCert,
        "-days",
        DAYS,
        "-subj",
        "/CN=heraldlb-lab-ca");
    Path csr = dir.resolve("apiserver.csr");
    pki.openssl(
        "req",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:P-256",
        "-nodes",
        "-keyout",
        pki.serverKey,
        "-out",
        csr,
        "-subj",
        "/CN=kube-apiserver");
    StringBuilder san = new StringBuilder("subjectAltName=");
    ips.forEach(ip -> san.append("IP:").append(ip).append(','));
    dnsNames.forEach(name -> san.append("DNS:").append(name).append(','));
    san.setLength(san.length() - 1);
    Path ext = dir.resolve("apiserver.ext");
    write(ext, san + "\nextendedKeyUsage=serverAuth\nkeyUsage=digitalSignature\n");
    pki.openssl(
        "x509",
        "-req",
        "-in",
        csr,
        "-CA",
        pki.caCert,
        "-CAkey",
        pki.caKey,
        "-CAcreateserial",
        "-out",
        pki.serverCert,
        "-days",
        DAYS,
        "-extfile",
        ext);
    pki.openssl(
        "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", pki.serviceAccountKey);
    pki.openssl("ec", "-in", pki.serviceAccountKey, "-pubout", "-out", pki.serviceAccountPub);
    return pki;
  }

  /** The CA certificate, PEM. */
  String caPem() {
    try {
      return Files.readString(caCert, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LabException("cannot read " + caCert, e);
    }
  }

  /** A fresh bearer token: 32 random bytes, hex. */
  static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LabException("cannot write " + file, e);
    }
  }

  /**
   * A speaker group key in {@code dir} ({@code tls.crt}, {@code tls.key}), made as deploy/README.md
   * tells users to make theirs; returns {@code dir}.
   */
  static Path speakerGroupKey(Path dir, String subject) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new LabException("cannot create " + dir, e);
    }
    new Pki(dir)
        .openssl(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-days",
            DAYS,
            "-subj",
            "/CN=" + subject,
            "-keyout",
            dir.resolve("tls.key"),
            "-out",
            dir.resolve("tls.crt"));
    return dir;
  }

  private void openssl(Object... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = "openssl";
    for (int i = 0; i < args.length; i++) {
      argv[i + 1] = args[i].toString();
    }
    Cmd.check(argv);
  }
}
