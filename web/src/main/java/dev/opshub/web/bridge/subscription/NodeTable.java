package dev.opshub.web.bridge.subscription;

import dev.opshub.web.bridge.delivery.EventLoop;
import dev.opshub.web.bridge.delivery.VertxEventLoop;
import dev.opshub.web.bridge.metrics.BridgeMetrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The node's subscription table: one {@link AddressChannel} (one event-bus consumer) per address, whatever the
 * number of browsers, at most {@code maxAddresses}. Configured streams are kept from {@link #start} on, so their
 * window and snapshot fill before the first client; other addresses come and go with their subscribers. The table
 * lives on one event loop (the context that starts it), which nothing else runs on but event-bus deliveries.
 */
public final class NodeTable {

  private static final Logger LOG = LoggerFactory.getLogger(NodeTable.class);

  private final Vertx vertx;
  private final TableSettings settings;
  private final BridgeMetrics metrics;
  /** Address table; table loop only. */
  private final Map<String, AddressChannel> channels = new HashMap<>();
  private volatile Context context;
  private volatile EventLoop loop;
  private volatile IngressProbe probe;
  private volatile Thread thread;
  private volatile boolean shuttingDown;
  private long maintenanceTimer = -1;

  public NodeTable(Vertx vertx, TableSettings settings, BridgeMetrics metrics) {
    this.vertx = vertx;
    this.settings = settings;
    this.metrics = metrics;
  }

  /** Takes the current context as the table's, opens the kept streams' consumers and starts the lag probe. */
  public Future<Void> start(List<String> streams) {
    Context c = table();
    return call(c, () -> {
      List<Future<Void>> opened = new ArrayList<>();
      for (String address : streams) {
        if (!channels.containsKey(address)) {
          AddressChannel channel = new AddressChannel(address, true, loop, settings, metrics, probe);
          channels.put(address, channel);
          opened.add(channel.open(vertx.eventBus()));
        }
      }
      if (maintenanceTimer == -1) {
        maintenanceTimer = vertx.setPeriodic(1_000, t -> {
          long now = loop.clock().nanoTime();
          channels.values().forEach(ch -> ch.trim(now));
        });
      }
      probe.start();
      return Future.all(opened).mapEmpty();
    });
  }

  /** The table's context (null before the first use). */
  public Context context() {
    return context;
  }

  /** Adds {@code sub} (registered on a connection's loop); refused when the node serves its maximum of addresses. */
  public void subscribe(Subscription sub) {
    // an unregister or close that follows is dispatched after this, in order
    onTable(() -> {
      AddressChannel channel = channels.get(sub.address());
      if (channel == null) {
        if (channels.size() >= settings.maxAddresses() || shuttingDown) {
          sub.scheduler().loop().post(() -> sub.refused("this node serves at most " + settings.maxAddresses() + " addresses"));
          return;
        }
        channel = new AddressChannel(sub.address(), false, loop, settings, metrics, probe);
        channels.put(sub.address(), channel);
        String address = sub.address();
        channel.open(vertx.eventBus()).onFailure(err -> LOG.warn("consumer of {} failed to register", address, err));
      }
      channel.add(sub);
    });
  }

  /** Removes {@code sub}; the last one of an address that is not kept removes the node's consumer. */
  public void unsubscribe(Subscription sub) {
    onTable(() -> {
      AddressChannel channel = channels.get(sub.address());
      if (channel != null && channel.remove(sub) && channel.isEmpty() && !channel.kept) {
        channels.remove(sub.address());
        channel.close();
      }
    });
  }

  /** Refuses new addresses, stops the probe and removes every consumer. */
  public Future<Void> shutdown() {
    shuttingDown = true;
    IngressProbe p = probe;
    if (p != null) {
      p.stop();
    }
    Context c = context;
    if (c == null) {
      return Future.succeededFuture();
    }
    return call(c, () -> {
      if (maintenanceTimer != -1) {
        vertx.cancelTimer(maintenanceTimer);
        maintenanceTimer = -1;
      }
      List<Future<Void>> closing = new ArrayList<>();
      channels.values().forEach(ch -> closing.add(ch.close()));
      channels.clear();
      return Future.join(closing).mapEmpty();
    });
  }

  private Context table() {
    Context c = context;
    if (c == null) {
      // mounted without start(): the first user's context owns the table
      synchronized (this) {
        if (context == null) {
          Context current = vertx.getOrCreateContext();
          loop = new VertxEventLoop(current);
          probe = new IngressProbe(loop, settings.maxIngressLagMs());
          context = current;
        }
        c = context;
      }
    }
    return c;
  }

  private void onTable(Runnable task) {
    Context c = table();
    if (Thread.currentThread() == thread) {
      task.run();
    } else {
      c.runOnContext(v -> {
        thread = Thread.currentThread();
        task.run();
      });
    }
  }

  private <T> Future<T> call(Context c, Supplier<Future<T>> task) {
    if (Thread.currentThread() == thread) {
      return task.get();
    }
    Promise<T> promise = Promise.promise();
    c.runOnContext(v -> {
      thread = Thread.currentThread();
      task.get().onComplete(promise);
    });
    return promise.future();
  }
}
