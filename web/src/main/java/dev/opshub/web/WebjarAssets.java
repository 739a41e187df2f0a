package dev.opshub.web;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import org.webjars.WebJarVersionLocator;

import java.util.regex.Pattern;

/**
 * Serves webjar assets under {@code /webjars/<name>/<path>} without a version in the URL: the pages name
 * {@code /webjars/uplot/dist/uPlot.esm.js}, the webjars-locator finds the version on the class path, so only the pom
 * names versions.
 */
final class WebjarAssets {

  private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");

  private final WebJarVersionLocator locator = new WebJarVersionLocator();

  void handle(RoutingContext ctx) {
    String path = ctx.normalizedPath().substring("/webjars/".length());
    int slash = path.indexOf('/');
    if (slash <= 0 || path.contains("..") || !NAME.matcher(path.substring(0, slash)).matches()) {
      ctx.next();
      return;
    }
    String file = locator.fullPath(path.substring(0, slash), path.substring(slash + 1));
    if (file == null) {
      ctx.next();
      return;
    }
    ctx.response().putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=86400").sendFile(file).onFailure(ctx::fail);
  }
}
