package dev.opshub.engine.domain;

import io.vertx.core.Future;
import io.vertx.core.shareddata.AsyncMap;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An {@link AsyncMap} in memory for tests: every operation completes at once, unless {@link #holdWrites} is set,
 * then puts complete only when {@link #completeWrites} is called (a slow cluster map).
 */
final class MemoryAsyncMap<K, V> implements AsyncMap<K, V> {

  private final Map<K, V> map = new LinkedHashMap<>();
  private final List<Runnable> heldWrites = new ArrayList<>();
  boolean holdWrites;

  Map<K, V> contents() {
    return map;
  }

  /** Completes the puts held so far, in order. */
  void completeWrites() {
    List<Runnable> writes = new ArrayList<>(heldWrites);
    heldWrites.clear();
    writes.forEach(Runnable::run);
  }

  @Override
  public Future<V> get(K k) {
    return Future.succeededFuture(map.get(k));
  }

  @Override
  public Future<Void> put(K k, V v) {
    if (!holdWrites) {
      map.put(k, v);
      return Future.succeededFuture();
    }
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    heldWrites.add(() -> {
      map.put(k, v);
      done.complete();
    });
    return done.future();
  }

  @Override
  public Future<Void> put(K k, V v, long ttl) {
    return put(k, v);
  }

  @Override
  public Future<V> putIfAbsent(K k, V v) {
    return Future.succeededFuture(map.putIfAbsent(k, v));
  }

  @Override
  public Future<V> putIfAbsent(K k, V v, long ttl) {
    return putIfAbsent(k, v);
  }

  @Override
  public Future<V> remove(K k) {
    return Future.succeededFuture(map.remove(k));
  }

  @Override
  public Future<Boolean> removeIfPresent(K k, V v) {
    return Future.succeededFuture(map.remove(k, v));
  }

  @Override
  public Future<V> replace(K k, V v) {
    return Future.succeededFuture(map.replace(k, v));
  }

  @Override
  public Future<V> replace(K k, V v, long ttl) {
    return replace(k, v);
  }

  @Override
  public Future<Boolean> replaceIfPresent(K k, V oldValue, V newValue) {
    return Future.succeededFuture(map.replace(k, oldValue, newValue));
  }

  @Override
  public Future<Boolean> replaceIfPresent(K k, V oldValue, V newValue, long ttl) {
    return replaceIfPresent(k, oldValue, newValue);
  }

  @Override
  public Future<Void> clear() {
    map.clear();
    return Future.succeededFuture();
  }

  @Override
  public Future<Integer> size() {
    return Future.succeededFuture(map.size());
  }

  @Override
  public Future<Set<K>> keys() {
    return Future.succeededFuture(new HashSet<>(map.keySet()));
  }

  @Override
  public Future<List<V>> values() {
    return Future.succeededFuture(new ArrayList<>(map.values()));
  }

  @Override
  public Future<Map<K, V>> entries() {
    return Future.succeededFuture(new LinkedHashMap<>(map));
  }
}
