/**
 * The bridge's lowest layer: the client's socket. SockJS framing ({@code o}, {@code h}, {@code a[...]},
 * {@code c[...]}), the SockJS HTTP endpoints and origin check, liveness (heartbeats, ping timeout), and one
 * {@link dev.opshub.web.bridge.transport.ClientTransport} per connection that the delivery layer writes frames to:
 * a WebSocket, or an {@link dev.opshub.web.bridge.transport.HttpSession} fed by xhr-streaming, eventsource or
 * xhr-polling requests.
 */
package dev.opshub.web.bridge.transport;
