package io.heraldlb.speaker.membership;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The key that lets a speaker into the speaker group: a certificate and its private key, shared by
 * every speaker of the cluster (a Kubernetes TLS Secret: {@code tls.crt}, {@code tls.key}), and the
 * certificates a peer may present ({@code trusted.crt}, optional: by default the speaker's own
 * certificate). The group's TCP connections are mutual TLS 1.3 with these, so a host without the
 * key can neither join nor read nor write group traffic. Several trusted certificates let a key be
 * rotated one speaker at a time: trust old and new, switch, then drop the old.
 *
 * @param context the TLS context for JGroups' TCP transport
 * @param fingerprints SHA-256 of the own certificate, then of each trusted one, for the log
 * @param refusals told of every peer turned away
 */
public record MembershipKeys(SSLContext context, List<String> fingerprints, Refusals refusals) {
  public static final String CERTIFICATE = "tls.crt";
  public static final String PRIVATE_KEY = "tls.key";
  public static final String TRUSTED = "trusted.crt";
  private static final long MAX_FILE_BYTES = 1024 * 1024;
  static final Duration EXPIRY_WARNING = Duration.ofDays(30);

  /** How to make the key, for the error that says there is none. */
  public static final String HOW_TO_CREATE =
      "create it once per cluster: openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256"
          + " -nodes -days 3650 -subj /CN=heraldlb-speaker -keyout membership.key -out"
          + " membership.crt && kubectl -n heraldlb-system create secret tls heraldlb-membership"
          + " --cert=membership.crt --key=membership.key (deploy/README.md, 'The speaker group's"
          + " key')";

  /** Told of every peer refused; must not block (it runs on the acceptor or a TLS thread). */
  public interface Refusals {
    /** A peer that failed the TLS handshake: no certificate, not TLS, too slow. */
    String HANDSHAKE = "handshake";

    /** A peer whose certificate is not among the trusted ones. */
    String UNTRUSTED_CERTIFICATE = "untrusted_certificate";

    void refused(String reason, String detail);
  }

  /** Why the key cannot be used; the message names the file and says what to do. */
  public static final class KeyException extends Exception {
    private static final long serialVersionUID = 1L;

    KeyException(String message) {
      super(message);
    }
  }

  /**
   * Reads {@code dir}.
   *
   * @param refusals told of each peer refused (a stranger, or a rotation gone wrong)
   * @param warn told of a certificate that expires soon
   */
  public static MembershipKeys load(Path dir, Refusals refusals, Consumer<String> warn)
      throws KeyException {
    Path certFile = dir.resolve(CERTIFICATE);
    Path keyFile = dir.resolve(PRIVATE_KEY);
    if (!Files.isRegularFile(certFile) || !Files.isRegularFile(keyFile)) {
      throw new KeyException(
          "no speaker group key in "
              + dir
              + " (needs "
              + CERTIFICATE
              + " and "
              + PRIVATE_KEY
              + "): "
              + HOW_TO_CREATE);
    }
    List<X509Certificate> chain = certificates(certFile);
    X509Certificate own = chain.get(0);
    PrivateKey key = privateKey(keyFile, own);
    Path trustedFile = dir.resolve(TRUSTED);
    List<X509Certificate> trusted =
        Files.isRegularFile(trustedFile) ? certificates(trustedFile) : List.of(own);
    List<String> fingerprints = new ArrayList<>();
    fingerprints.add(fingerprint(own));
    Instant now = Instant.now();
    for (X509Certificate c : chain) {
      checkDates(c, certFile, now, warn);
    }
    for (X509Certificate c : trusted) {
      fingerprints.add(fingerprint(c));
      checkDates(c, trustedFile, now, warn);
    }
    if (trusted.stream().noneMatch(own::equals)) {
      warn.accept(
          trustedFile
              + " does not hold this speaker's own certificate: speakers that present it are"
              + " refused (fine only mid-rotation, when all have moved to a new key)");
    }
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] none = new char[0];
      keys.setKeyEntry("speaker", key, none, chain.toArray(new X509Certificate[0]));
      KeyManagerFactory kmf =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(keys, none);
      KeyStore anchors = KeyStore.getInstance("PKCS12");
      anchors.load(null, null);
      for (int i = 0; i < trusted.size(); i++) {
        anchors.setCertificateEntry("trusted-" + i, trusted.get(i));
      }
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(anchors);
      X509TrustManager pkix = (X509TrustManager) tmf.getTrustManagers()[0];
      SSLContext context = SSLContext.getInstance("TLSv1.3");
      context.init(
          kmf.getKeyManagers(),
          new TrustManager[] {new CountingTrustManager(pkix, refusals)},
          null);
      return new MembershipKeys(context, List.copyOf(fingerprints), refusals);
    } catch (GeneralSecurityException | IOException e) {
      throw new KeyException("cannot use the speaker group key in " + dir + ": " + e);
    }
  }

  private static void checkDates(X509Certificate c, Path file, Instant now, Consumer<String> warn)
      throws KeyException {
    if (c.getNotAfter().toInstant().isBefore(now)) {
      throw new KeyException(
          file
              + ": the certificate expired on "
              + c.getNotAfter().toInstant()
              + "; "
              + HOW_TO_CREATE);
    }
    if (c.getNotBefore().toInstant().isAfter(now)) {
      throw new KeyException(
          file + ": the certificate is valid only from " + c.getNotBefore().toInstant());
    }
    if (c.getNotAfter().toInstant().isBefore(now.plus(EXPIRY_WARNING))) {
      warn.accept(
          file
              + ": the certificate expires on "
              + c.getNotAfter().toInstant()
              + "; rotate the key before then (deploy/README.md)");
    }
  }

  private static byte[] read(Path file) throws KeyException {
    try {
      if (Files.size(file) > MAX_FILE_BYTES) {
        throw new KeyException(file + ": larger than " + MAX_FILE_BYTES + " bytes; not a key file");
      }
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new KeyException("cannot read " + file + ": " + e.getMessage());
    }
  }

  private static List<X509Certificate> certificates(Path file) throws KeyException {
    try (InputStream in = new java.io.ByteArrayInputStream(read(file))) {
      List<X509Certificate> out = new ArrayList<>();
      for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw new KeyException(file + ": no PEM certificate in it");
      }
      return out;
    } catch (CertificateException | IOException e) {
      throw new KeyException(file + ": not a PEM certificate: " + e.getMessage());
    }
  }

  /**
   * A PKCS#8 PEM key ({@code BEGIN PRIVATE KEY}, what openssl 3 writes), EC, RSA or EdDSA; or an
   * RSA key in PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what Helm's genSelfSignedCert and older
   * openssl write), taken into PKCS#8 here.
   */
  private static PrivateKey privateKey(Path file, X509Certificate own) throws KeyException {
    String pem = new String(read(file), StandardCharsets.US_ASCII);
    boolean pkcs1 = pem.contains("-----BEGIN RSA PRIVATE KEY-----");
    String begin = pkcs1 ? "-----BEGIN RSA PRIVATE KEY-----" : "-----BEGIN PRIVATE KEY-----";
    String end = pkcs1 ? "-----END RSA PRIVATE KEY-----" : "-----END PRIVATE KEY-----";
    int from = pem.indexOf(begin);
    int to = pem.indexOf(end);
    if (from < 0 || to < from) {
      throw new KeyException(
          file
              + ": not a PKCS#8 PEM private key ('"
              + begin
              + "'); convert one with: openssl pkcs8 -topk8 -nocrypt -in OLD -out "
              + PRIVATE_KEY);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(pem.substring(from + begin.length(), to));
    } catch (IllegalArgumentException e) {
      throw new KeyException(file + ": the key is not valid base64");
    }
    if (pkcs1) {
      der = rsaPkcs8(der);
    }
    String algorithm = own.getPublicKey().getAlgorithm();
    try {
      PrivateKey key =
          KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      if (!matches(key, own)) {
        throw new KeyException(
            file + ": the private key does not belong to the certificate in " + CERTIFICATE);
      }
      return key;
    } catch (GeneralSecurityException e) {
      throw new KeyException(
          file + ": not a " + algorithm + " private key for " + CERTIFICATE + ": " + e);
    }
  }

  /** The RSA algorithm identifier (rsaEncryption, NULL parameters) of a PKCS#8 PrivateKeyInfo. */
  private static final byte[] RSA_ALGORITHM = {
    0x30,
    0x0d,
    0x06,
    0x09,
    0x2a,
    (byte) 0x86,
    0x48,
    (byte) 0x86,
    (byte) 0xf7,
    0x0d,
    0x01,
    0x01,
    0x01,
    0x05,
    0x00
  };

  /** PrivateKeyInfo { version 0, rsaEncryption, OCTET STRING { the PKCS#1 key } }, in DER. */
  static byte[] rsaPkcs8(byte[] pkcs1) {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.writeBytes(new byte[] {0x02, 0x01, 0x00});
    body.writeBytes(RSA_ALGORITHM);
    body.write(0x04);
    body.writeBytes(derLength(pkcs1.length));
    body.writeBytes(pkcs1);
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    out.write(0x30);
    out.writeBytes(derLength(body.size()));
    out.writeBytes(body.toByteArray());
    return out.toByteArray();
  }

  private static byte[] derLength(int length) {
    if (length < 0x80) {
      return new byte[] {(byte) length};
    }
    int bytes = length > 0xffffff ? 4 : length > 0xffff ? 3 : length > 0xff ? 2 : 1;
    byte[] out = new byte[bytes + 1];
    out[0] = (byte) (0x80 | bytes);
    for (int i = 0; i < bytes; i++) {
      out[bytes - i] = (byte) (length >>> (8 * i));
    }
    return out;
  }

  /** Signs and verifies a probe: the one check that works for every key type. */
  private static boolean matches(PrivateKey key, X509Certificate own)
      throws GeneralSecurityException {
    String algorithm =
        switch (key.getAlgorithm()) {
          case "EC" -> "SHA256withECDSA";
          case "RSA" -> "SHA256withRSA";
          default -> key.getAlgorithm(); // Ed25519, Ed448, EdDSA
        };
    byte[] probe = "heraldlb speaker group".getBytes(StandardCharsets.US_ASCII);
    java.security.Signature s = java.security.Signature.getInstance(algorithm);
    s.initSign(key);
    s.update(probe);
    byte[] signature = s.sign();
    s.initVerify(own.getPublicKey());
    s.update(probe);
    return s.verify(signature);
  }

  static String fingerprint(X509Certificate c) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()))
          .substring(0, 16);
    } catch (GeneralSecurityException e) {
      return "?";
    }
  }

  /** The JDK's own checks, with every refusal told before it is thrown. */
  private record CountingTrustManager(X509TrustManager pkix, Refusals refusals)
      implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      told(chain, () -> pkix.checkClientTrusted(chain, authType));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      told(chain, () -> pkix.checkServerTrusted(chain, authType));
    }

    private interface Check {
      void run() throws CertificateException;
    }

    private void told(X509Certificate[] chain, Check check) throws CertificateException {
      try {
        check.run();
      } catch (CertificateException e) {
        refusals.refused(Refusals.UNTRUSTED_CERTIFICATE, describe(chain) + ": " + e.getMessage());
        throw e;
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return pkix.getAcceptedIssuers();
    }

    private static String describe(X509Certificate[] chain) {
      return chain.length == 0
          ? "a peer with no certificate"
          : "certificate "
              + fingerprint(chain[0])
              + " ("
              + chain[0].getSubjectX500Principal()
              + ")";
    }
  }
}
