/*
 * The least a SockJS server can do for the bench client: a single-threaded C program that accepts WebSocket
 * connections on /eventbus/<server>/<session>/websocket, sends the SockJS open frame, ignores whatever the client
 * sends (register, pings), and RATE times a second writes one bench message - the same a["..."] frame the hub sends
 * on ops.bench, body {"seq":n,"ts":<epoch ms it was due>,"pad":"<PAD bytes>"} - to every open connection, one after
 * the other; when a burst takes longer than the period the next one follows at once (no message is skipped).
 * No JVM, no event bus, no queues, no batching: what is left is the kernel and the load client.
 *
 *   gcc -O2 -o /tmp/sockjs_floor bench/floor/sockjs_floor.c
 *   /tmp/sockjs_floor PORT [rate 10] [pad 200] [seconds 120] &
 *   java -jar bench/target/opshub-bench.jar --url http://127.0.0.1:PORT/eventbus --conns 10000 --rate 10 \
 *        --warmup 20 --duration 30 --server-pid $!
 *
 * Only 127.0.0.1; it exits by itself after SECONDS; GET .../info answers like a SockJS server so scripts can wait
 * for it. A connection whose socket cannot take a whole frame is closed (counted), so frames are never torn.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 60000
#define REQUEST_MAX 8192

enum { HANDSHAKE, OPEN };

struct conn {
  int fd;
  int state;
  int have;
  char *request; /* while in HANDSHAKE */
};

static struct conn *conns[65536]; /* by fd */
static int open_fds[MAX_CONNS];
static int open_count;
static long closed_full;

/* ---- SHA-1 and base64, for Sec-WebSocket-Accept ---- */

static uint32_t rol(uint32_t v, int s) {
  return (v << s) | (v >> (32 - s));
}

static void sha1(const unsigned char *data, size_t len, unsigned char out[20]) {
  uint32_t h[5] = {0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};
  size_t total = ((len + 8) / 64 + 1) * 64;
  unsigned char *m = calloc(total, 1);
  memcpy(m, data, len);
  m[len] = 0x80;
  uint64_t bits = (uint64_t) len * 8;
  for (int i = 0; i < 8; i++) m[total - 1 - i] = (unsigned char) (bits >> (8 * i));
  for (size_t off = 0; off < total; off += 64) {
    uint32_t w[80];
    for (int i = 0; i < 16; i++) {
      w[i] = (uint32_t) m[off + 4 * i] << 24 | (uint32_t) m[off + 4 * i + 1] << 16 | (uint32_t) m[off + 4 * i + 2] << 8
             | m[off + 4 * i + 3];
    }
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
    for (int i = 0; i < 80; i++) {
      uint32_t f, k;
      if (i < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (i < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (i < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      uint32_t t = rol(a, 5) + f + e + k + w[i];
      e = d;
      d = c;
      c = rol(b, 30);
      b = a;
      a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }
  free(m);
  for (int i = 0; i < 5; i++) {
    out[4 * i] = h[i] >> 24;
    out[4 * i + 1] = h[i] >> 16;
    out[4 * i + 2] = h[i] >> 8;
    out[4 * i + 3] = h[i];
  }
}

static void base64(const unsigned char *in, int len, char *out) {
  static const char *abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  int o = 0;
  for (int i = 0; i < len; i += 3) {
    uint32_t v = in[i] << 16 | (i + 1 < len ? in[i + 1] << 8 : 0) | (i + 2 < len ? in[i + 2] : 0);
    out[o++] = abc[(v >> 18) & 63];
    out[o++] = abc[(v >> 12) & 63];
    out[o++] = i + 1 < len ? abc[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < len ? abc[v & 63] : '=';
  }
  out[o] = 0;
}

/* ---- connections ---- */

static long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  return t.tv_sec * 1000L + t.tv_nsec / 1000000;
}

static void drop(int ep, struct conn *c) {
  epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
  if (c->state == OPEN) {
    for (int i = 0; i < open_count; i++) {
      if (open_fds[i] == c->fd) {
        open_fds[i] = open_fds[--open_count];
        break;
      }
    }
  }
  close(c->fd);
  conns[c->fd] = NULL;
  free(c->request);
  free(c);
}

static int send_all(int fd, const char *buf, int len) {
  return send(fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL) == len;
}

/* The request is complete: answer /info, or upgrade a .../websocket request and send the SockJS open frame. */
static void handshake(int ep, struct conn *c) {
  char *req = c->request;
  char path[256] = {0};
  if (sscanf(req, "GET %255s HTTP/1.1", path) != 1) {
    drop(ep, c);
    return;
  }
  size_t plen = strlen(path);
  if (plen >= 5 && strcmp(path + plen - 5, "/info") == 0) {
    const char *body = "{\"websocket\":true,\"origins\":[\"*:*\"],\"cookie_needed\":false,\"entropy\":1}";
    char resp[512];
    int n = snprintf(resp, sizeof resp,
                     "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n%s",
                     strlen(body), body);
    send_all(c->fd, resp, n);
    drop(ep, c);
    return;
  }
  char *key = strcasestr(req, "\r\nSec-WebSocket-Key:");
  if (plen < 10 || strcmp(path + plen - 10, "/websocket") != 0 || key == NULL) {
    const char *resp = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    send_all(c->fd, resp, (int) strlen(resp));
    drop(ep, c);
    return;
  }
  key += strlen("\r\nSec-WebSocket-Key:");
  while (*key == ' ') key++;
  char joined[128];
  int klen = 0;
  while (key[klen] && key[klen] != '\r' && key[klen] != ' ' && klen < 60) klen++;
  int jlen = snprintf(joined, sizeof joined, "%.*s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", klen, key);
  unsigned char digest[20];
  sha1((unsigned char *) joined, jlen, digest);
  char accept[32];
  base64(digest, 20, accept);
  char resp[256];
  int n = snprintf(resp, sizeof resp,
                   "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                   "Sec-WebSocket-Accept: %s\r\n\r\n\x81\x01o",
                   accept);
  if (!send_all(c->fd, resp, n) || open_count >= MAX_CONNS) {
    drop(ep, c);
    return;
  }
  free(c->request);
  c->request = NULL;
  c->state = OPEN;
  open_fds[open_count++] = c->fd;
}

static void readable(int ep, struct conn *c) {
  char scratch[4096];
  while (1) {
    if (c->state == HANDSHAKE) {
      ssize_t got = recv(c->fd, c->request + c->have, REQUEST_MAX - 1 - c->have, 0);
      if (got == 0 || (got < 0 && errno != EAGAIN)) {
        drop(ep, c);
        return;
      }
      if (got < 0) return;
      c->have += got;
      c->request[c->have] = 0;
      if (strstr(c->request, "\r\n\r\n")) {
        handshake(ep, c);
        return;
      }
      if (c->have >= REQUEST_MAX - 1) {
        drop(ep, c);
        return;
      }
    } else {
      /* register and pings: read and ignore (this server only publishes) */
      ssize_t got = recv(c->fd, scratch, sizeof scratch, 0);
      if (got == 0 || (got < 0 && errno != EAGAIN)) {
        drop(ep, c);
        return;
      }
      if (got < (ssize_t) sizeof scratch) return;
    }
  }
}

int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 0;
  int rate = argc > 2 ? atoi(argv[2]) : 10;
  int pad = argc > 3 ? atoi(argv[3]) : 200;
  int seconds = argc > 4 ? atoi(argv[4]) : 120;
  if (port < 1 || port > 65535 || rate < 1 || rate > 10000 || pad < 0 || pad > 60000 || seconds < 1 || seconds > 3600) {
    fprintf(stderr, "usage: %s PORT [rate 1..10000] [pad bytes 0..60000] [seconds 1..3600]\n", argv[0]);
    return 64;
  }
  struct rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  nofile.rlim_cur = nofile.rlim_max;
  setrlimit(RLIMIT_NOFILE, &nofile);

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0 || listen(lfd, 4096) < 0) {
    perror("bind/listen");
    return 1;
  }
  fcntl(lfd, F_SETFL, O_NONBLOCK);
  int ep = epoll_create1(0);
  struct epoll_event lev = {.events = EPOLLIN, .data.fd = lfd};
  epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);

  /* the frame: WebSocket header (text, 16-bit length) + a["<escaped bridge message>"] */
  char *padding = malloc(pad + 1);
  memset(padding, 'x', pad);
  padding[pad] = 0;
  size_t cap = pad + 512;
  char *frame = malloc(cap + 4);
  char *payload = frame + 4;

  long period_ms = 1000 / rate > 0 ? 1000 / rate : 1;
  long start = now_ms(), epoch = start, next = start + period_ms, end = start + seconds * 1000L;
  long seq = 0, sent = 0;
  printf("sockjs_floor on 127.0.0.1:%d: %d messages/s, %d-byte pad, for %d s\n", port, rate, pad, seconds);
  fflush(stdout);
  struct epoll_event events[256];
  while (1) {
    long t = now_ms();
    if (t >= end) break;
    int wait = (int) (next > t ? next - t : 0);
    int k = epoll_wait(ep, events, 256, wait);
    for (int e = 0; e < k; e++) {
      if (events[e].data.fd == lfd) {
        int fd;
        while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
          if (fd >= 65536) {
            close(fd);
            continue;
          }
          setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
          struct conn *c = calloc(1, sizeof *c);
          c->fd = fd;
          c->request = malloc(REQUEST_MAX);
          conns[fd] = c;
          struct epoll_event ev = {.events = EPOLLIN | EPOLLRDHUP, .data.fd = fd};
          epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
        }
      } else if (conns[events[e].data.fd]) {
        readable(ep, conns[events[e].data.fd]);
      }
    }
    t = now_ms();
    if (t < next) continue;
    long due = next; /* ts is when the message was due: a server running behind shows as latency */
    next += period_ms;
    int n = snprintf(payload, cap,
                     "a[\"{\\\"type\\\":\\\"rec\\\",\\\"address\\\":\\\"ops.bench\\\",\\\"headers\\\":{\\\"epoch\\\":"
                     "\\\"%ld\\\",\\\"offset\\\":\\\"%ld\\\"},\\\"body\\\":{\\\"seq\\\":%ld,\\\"ts\\\":%ld,\\\"pad\\\":"
                     "\\\"%s\\\"}}\"]",
                     epoch, seq, seq, due, padding);
    frame[0] = (char) 0x81;
    frame[1] = 126;
    frame[2] = (char) (n >> 8);
    frame[3] = (char) n;
    seq++;
    for (int i = 0; i < open_count;) {
      int fd = open_fds[i];
      if (send_all(fd, frame, n + 4)) {
        sent++;
        i++;
      } else {
        closed_full++;
        drop(ep, conns[fd]); /* moves the last open fd into slot i */
      }
    }
  }
  struct rusage r;
  getrusage(RUSAGE_SELF, &r);
  printf("sockjs_floor: %ld messages, %ld frames written, %d connections open at the end, %ld closed for a full "
         "socket; cpu user %.2f s, kernel %.2f s\n",
         seq, sent, open_count, closed_full, r.ru_utime.tv_sec + r.ru_utime.tv_usec / 1e6,
         r.ru_stime.tv_sec + r.ru_stime.tv_usec / 1e6);
  return 0;
}
