package io.kwhisk.perf.client;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.Timeout;

/**
 * The library candidate for the load generator's hot path: Apache HttpClient 5 classic (blocking),
 * one pool with a connection per concurrent caller (no pool limit worth hitting: {@code maxTotal}
 * is the open loop's in-flight cap), no retries (a blocking invoke is not idempotent), no cookies,
 * no redirects. Thread-safe; a "connection" here is only a handle on the shared client, the pool
 * decides the socket.
 */
public final class ApacheInvokeClient implements InvokeClient {
  private static final byte[] EMPTY_PARAMS = "{}".getBytes(StandardCharsets.US_ASCII);

  private final InvokeTarget target;
  private final CloseableHttpClient http;

  public ApacheInvokeClient(InvokeTarget target) {
    this.target = target;
    Timeout timeout = Timeout.of(target.timeout().toMillis(), TimeUnit.MILLISECONDS);
    PoolingHttpClientConnectionManager pool =
        PoolingHttpClientConnectionManagerBuilder.create()
            .setMaxConnTotal(10_000)
            .setMaxConnPerRoute(10_000)
            .setDefaultConnectionConfig(
                ConnectionConfig.custom()
                    .setConnectTimeout(Timeout.ofSeconds(5))
                    .setSocketTimeout(timeout)
                    .build())
            .build();
    this.http =
        HttpClients.custom()
            .setConnectionManager(pool)
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableRedirectHandling()
            .disableContentCompression()
            .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(timeout).build())
            .build();
  }

  @Override
  public InvokeConnection open() {
    return new InvokeConnection() {
      @Override
      public HttpAnswer invoke(String action) throws IOException {
        HttpPost post =
            new HttpPost(
                target.apiHost().resolve(target.invokePath(WhiskClient.encodeName(action))));
        post.setHeader("Authorization", target.authorization());
        post.setEntity(new ByteArrayEntity(EMPTY_PARAMS, ContentType.APPLICATION_JSON));
        return http.execute(
            post,
            response -> {
              Header retry = response.getFirstHeader("Retry-After");
              String body =
                  response.getEntity() == null
                      ? ""
                      : EntityUtils.toString(response.getEntity(), StandardCharsets.UTF_8);
              return new HttpAnswer(
                  response.getCode(), body, Optional.ofNullable(retry).map(Header::getValue));
            });
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void close() {
    try {
      http.close();
    } catch (IOException ignored) {
      // Closing sockets: nothing to do about a failure.
    }
  }
}
