package dev.opshub.contract;

/**
 * Field names and message types of the Vert.x event-bus bridge protocol that browsers speak over SockJS (the
 * official {@code @vertx/eventbus-bridge-client.js} works unchanged), and the body fields opshub adds to every
 * {@code ops.*} message.
 */
public final class BridgeProtocol {

  public static final String TYPE = "type";
  public static final String ADDRESS = "address";
  public static final String HEADERS = "headers";
  public static final String BODY = "body";
  public static final String REPLY_ADDRESS = "replyAddress";

  /** Client to server. */
  public static final String PING = "ping";
  public static final String REGISTER = "register";
  public static final String UNREGISTER = "unregister";
  public static final String SEND = "send";
  public static final String PUBLISH = "publish";

  /** Server to client: a message, an error (a refusal or a failed reply), the answer to a ping. */
  public static final String REC = "rec";
  public static final String ERR = "err";
  public static final String PONG = "pong";

  /** Fields of an {@code err}: opshub's code, and the failure the official client hands to a reply handler. */
  public static final String CODE = "code";
  public static final String FAILURE_CODE = "failureCode";
  public static final String FAILURE_TYPE = "failureType";
  public static final String MESSAGE = "message";

  /** Body fields of every {@code ops.*} message: publish time (epoch ms) and, on state streams, the key. */
  public static final String BODY_TS = "ts";
  public static final String BODY_KEY = "key";
  /**
   * Field of the web node's answer to {@code ops.ping} (besides {@code ts} and {@code nodeId}): the engine as that node
   * knows it, an {@link EngineStatus} ({@code {"active":false,"reason":"no_quorum"}} on the minority side of a cut).
   */
  public static final String BODY_ENGINE = "engine";

  private BridgeProtocol() {
  }
}
