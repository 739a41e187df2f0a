package dev.opshub.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority and a server certificate it signed for {@code localhost} and {@code 127.0.0.1},
 * made with {@code openssl} in a directory of the test's (e.g. {@code target/tls}): {@link #caPem()} for clients to
 * trust (Node's {@code NODE_EXTRA_CA_CERTS}, {@link #sslContext()}), {@link #serverPem()} (certificate, CA and key in
 * one file, as HAProxy's {@code crt} takes it), {@link #serverSpkiSha256()} for Chromium's
 * {@code --ignore-certificate-errors-spki-list}.
 */
public final class TestCertificates {

  private final Path dir;

  private TestCertificates(Path dir) {
    this.dir = dir;
  }

  /** Makes the CA and the server certificate in {@code dir} (valid two days). */
  public static TestCertificates create(Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("server.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
          + "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n"
          + "extendedKeyUsage=serverAuth\n", StandardCharsets.UTF_8);
      openssl(dir, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", "ca.key", "-out", "ca.pem", "-days", "2", "-subj", "/CN=opshub test CA",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
      openssl(dir, "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
          "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost");
      openssl(dir, "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
          "-out", "server.crt", "-days", "2", "-extfile", "server.ext");
      Files.writeString(dir.resolve("server.pem"), Files.readString(dir.resolve("server.crt"))
          + Files.readString(dir.resolve("ca.pem")) + Files.readString(dir.resolve("server.key")));
      return new TestCertificates(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void openssl(Path dir, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("openssl"));
    command.addAll(List.of(args));
    Path log = dir.resolve("openssl.log");
    Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException("openssl " + args[0] + " did not finish in 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IllegalStateException("interrupted", e);
    }
    if (process.exitValue() != 0) {
      throw new IllegalStateException("openssl " + String.join(" ", args) + " exited with " + process.exitValue()
          + ": " + Files.readString(log));
    }
  }

  /** The CA certificate (PEM) clients trust. */
  public Path caPem() {
    return dir.resolve("ca.pem");
  }

  /** Server certificate, CA and key in one PEM file. */
  public Path serverPem() {
    return dir.resolve("server.pem");
  }

  /** Base64 SHA-256 of the server certificate's SubjectPublicKeyInfo (what Chromium's SPKI allowlist takes). */
  public String serverSpkiSha256() {
    try {
      byte[] spki = certificate(dir.resolve("server.crt")).getPublicKey().getEncoded();
      return Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(spki));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A TLS context that trusts this CA only. */
  public SSLContext sslContext() {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      trust.setCertificateEntry("opshub-test-ca", certificate(caPem()));
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, factory.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509Certificate certificate(Path pem) {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
