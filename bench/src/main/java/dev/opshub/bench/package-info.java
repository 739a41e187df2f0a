/**
 * The fan-out load tool ({@link dev.opshub.bench.BenchCommand}, like {@code nats bench}, for SockJS bridge clients) and
 * the stock vertx-web bridge baseline server ({@link dev.opshub.bench.StockBridgeServer}) it is compared with.
 */
package dev.opshub.bench;
