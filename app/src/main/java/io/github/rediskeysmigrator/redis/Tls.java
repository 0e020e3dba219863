package io.github.rediskeysmigrator.redis;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * How to speak TLS to a server: our own SSLContext for Jedis and for Redis Replicator alike
 * (Replicator's own factory trusts every certificate). The server's certificate and host name are
 * verified unless {@code --tls-insecure} says otherwise.
 *
 * <p>The JVM's default context is only built when a TLS connection is made: loading its trust store
 * costs a tenth of a second that plain-TCP runs need not pay.
 */
public final class Tls {
  private final SSLContext context;
  private final boolean verifyHostname;

  private Tls(SSLContext context, boolean verifyHostname) {
    this.context = context;
    this.verifyHostname = verifyHostname;
  }

  /** The JVM's trust store, host names verified, no client certificate. */
  public static Tls defaults() {
    return new Tls(null, true);
  }

  /** The SSL context (trust store from --tls-ca or the JVM's, key from --tls-cert). */
  public SSLContext context() {
    if (context != null) {
      return context;
    }
    try {
      return SSLContext.getDefault();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JVM has no default TLS context", e);
    }
  }

  /** Whether the certificate must name the host we connect to. */
  public boolean verifyHostname() {
    return verifyHostname;
  }

  /**
   * Builds the TLS settings from the command line.
   *
   * @param ca PEM file of trusted CA certificates, or null for the JVM's trust store
   * @param cert PEM client certificate (chain), or null
   * @param key PEM PKCS#8 private key of {@code cert}, or null
   * @param insecure trust any certificate and skip host name checks
   * @throws IllegalArgumentException naming the file that cannot be used
   */
  public static Tls of(Path ca, Path cert, Path key, boolean insecure) {
    if ((cert == null) != (key == null)) {
      throw new IllegalArgumentException("--tls-cert and --tls-key go together");
    }
    try {
      TrustManager[] trust;
      if (insecure) {
        trust = new TrustManager[] {new TrustEverything()};
      } else if (ca != null) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        int i = 0;
        for (Certificate c : certificates(ca)) {
          store.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        trust = tmf.getTrustManagers();
      } else {
        trust = null;
      }
      javax.net.ssl.KeyManager[] keys = null;
      if (cert != null) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        List<Certificate> chain = new ArrayList<>(certificates(cert));
        store.setKeyEntry(
            "client", privateKey(key), new char[0], chain.toArray(Certificate[]::new));
        KeyManagerFactory kmf =
            KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        keys = kmf.getKeyManagers();
      }
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return new Tls(context, !insecure);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /** Parameters for each socket: host name verification when asked for. */
  public SSLParameters parameters() {
    SSLParameters p = context().getDefaultSSLParameters();
    if (verifyHostname) {
      p.setEndpointIdentificationAlgorithm("HTTPS");
    }
    return p;
  }

  private static Collection<? extends Certificate> certificates(Path pem)
      throws IOException, GeneralSecurityException {
    if (!Files.isReadable(pem)) {
      throw new IOException(pem + " cannot be read");
    }
    Collection<? extends Certificate> certs =
        CertificateFactory.getInstance("X.509")
            .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(pem)));
    if (certs.isEmpty()) {
      throw new IOException(pem + " holds no PEM certificate");
    }
    return certs;
  }

  private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
    String text = Files.readString(pem, StandardCharsets.US_ASCII);
    if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
      throw new IOException(
          pem
              + " is a PKCS#1/SEC1 key; convert it: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY8");
    }
    int start = text.indexOf("-----BEGIN PRIVATE KEY-----");
    int end = text.indexOf("-----END PRIVATE KEY-----");
    if (start < 0 || end < 0) {
      throw new IOException(pem + " holds no PEM PKCS#8 private key (BEGIN PRIVATE KEY)");
    }
    byte[] der =
        Base64.getMimeDecoder()
            .decode(text.substring(start + "-----BEGIN PRIVATE KEY-----".length(), end));
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (InvalidKeySpecException notThisOne) {
        // try the next algorithm
      }
    }
    throw new IOException(pem + ": not an RSA, EC or Ed25519 private key");
  }

  /** For --tls-insecure only: accepts any certificate. */
  private static final class TrustEverything implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {
      // insecure on purpose, see --tls-insecure
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {
      // insecure on purpose, see --tls-insecure
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
