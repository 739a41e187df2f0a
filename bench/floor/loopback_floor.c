/*
 * The loopback floor of scenario c: what N TCP connections on 127.0.0.1 cost the kernel when every one of them gets
 * one small frame per message, with no WebSocket, no JVM and no bridge in the way.
 *
 * Two processes, like the benchmark: the "server" sends one FRAME-byte frame to each of N connections per message
 * (RATE messages a second, one connection after the other, as the bridge's fan-out does), the "client" reads them
 * with one epoll loop and records the latency of every frame (CLOCK_MONOTONIC at the start of the burst, carried in
 * the frame, to the read). Each process is one thread. At the end both report their CPU (user and kernel) and the
 * client the latency percentiles of the measured window.
 *
 *   gcc -O2 -o /tmp/loopback_floor bench/floor/loopback_floor.c
 *   /tmp/loopback_floor [conns 10000] [rate 10] [frame bytes 372] [warmup s 10] [measure s 30]
 *
 * 372 bytes is what one bench message (200-byte pad) takes on the wire from the hub: the SockJS frame
 * a["{\"type\":\"rec\",...}"] and its 4-byte WebSocket header.
 *
 * Bounded: it exits after warmup + measure seconds (plus connection set-up); only 127.0.0.1; nothing kept running.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_LATENCY_US 10000000L /* 10 s; later frames count in the last bucket */
#define BUCKET_US 100L

static long now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1000000000L + t.tv_nsec;
}

static void die(const char *what) {
  perror(what);
  exit(1);
}

static double cpu_seconds(struct timeval tv) {
  return tv.tv_sec + tv.tv_usec / 1e6;
}

static void set_nonblocking(int fd) {
  if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0) die("fcntl");
}

/* One process: sends a burst every 1/rate seconds until deadline. */
static void run_server(int *fds, int n, int rate, int frame, long start, long measure_from, long deadline) {
  char *buf = calloc(1, frame);
  memset(buf + 8, 'x', frame - 8);
  long period = 1000000000L / rate;
  long next = start;
  long sent = 0, short_writes = 0;
  struct rusage r0, r1;
  int measuring = 0;
  while (1) {
    long t = now_ns();
    if (t >= deadline) break;
    if (!measuring && t >= measure_from) {
      getrusage(RUSAGE_SELF, &r0);
      measuring = 1;
    }
    if (t < next) {
      struct timespec d = {0, next - t};
      nanosleep(&d, NULL);
      continue;
    }
    memcpy(buf, &next, 8); /* the message's publish instant */
    for (int i = 0; i < n; i++) {
      ssize_t w = send(fds[i], buf, frame, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (w != frame) short_writes++;
    }
    if (next >= measure_from) sent += n; /* bursts due in the measured window */
    next += period;
  }
  getrusage(RUSAGE_SELF, &r1);
  double secs = (deadline - measure_from) / 1e9;
  double user = cpu_seconds(r1.ru_utime) - cpu_seconds(r0.ru_utime);
  double sys = cpu_seconds(r1.ru_stime) - cpu_seconds(r0.ru_stime);
  printf("server: %.0f frames/s, cpu %.3f core (user %.3f, kernel %.3f) = %.2f us per frame, short writes %ld\n",
         sent / secs, (user + sys) / secs, user / secs, sys / secs, 1e6 * (user + sys) / sent, short_writes);
}

static void run_client(int *fds, int n, int frame, long measure_from, long deadline, long stop) {
  int ep = epoll_create1(0);
  if (ep < 0) die("epoll_create1");
  for (int i = 0; i < n; i++) {
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = (uint32_t) i};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) < 0) die("epoll_ctl");
  }
  long buckets = MAX_LATENCY_US / BUCKET_US + 1;
  long *hist = calloc(buckets, sizeof(long));
  long frames = 0, max_us = 0;
  char *rbuf = malloc(65536);
  char *partial = calloc(n, frame); /* per connection: bytes of a frame split over reads */
  int *have = calloc(n, sizeof(int));
  struct epoll_event events[1024];
  struct rusage r0, r1;
  int measuring = 0;
  while (1) {
    int k = epoll_wait(ep, events, 1024, 50);
    long at = now_ns();
    if (at >= stop) break;
    if (!measuring && at >= measure_from) {
      getrusage(RUSAGE_SELF, &r0);
      measuring = 1;
    }
    for (int e = 0; e < k; e++) {
      int c = events[e].data.u32;
      ssize_t got = recv(fds[c], rbuf, 65536, MSG_DONTWAIT);
      if (got <= 0) continue;
      for (ssize_t off = 0; off < got;) {
        int take = frame - have[c];
        if (take > got - off) take = got - off;
        memcpy(partial + (long) c * frame + have[c], rbuf + off, take);
        have[c] += take;
        off += take;
        if (have[c] < frame) break;
        have[c] = 0;
        long published;
        memcpy(&published, partial + (long) c * frame, 8);
        if (measuring && published >= measure_from && published < deadline) {
          long us = (at - published) / 1000;
          if (us < 0) us = 0;
          if (us > max_us) max_us = us;
          long b = us / BUCKET_US;
          hist[b < buckets ? b : buckets - 1]++;
          frames++;
        }
      }
    }
  }
  getrusage(RUSAGE_SELF, &r1);
  double secs = (deadline - measure_from) / 1e9;
  double user = cpu_seconds(r1.ru_utime) - cpu_seconds(r0.ru_utime);
  double sys = cpu_seconds(r1.ru_stime) - cpu_seconds(r0.ru_stime);
  double q[] = {0.5, 0.9, 0.99, 0.999};
  printf("client: %ld frames in %.0f s = %.0f/s, cpu %.3f core (user %.3f, kernel %.3f) = %.2f us per frame\n", frames,
         secs, frames / secs, (user + sys) / secs, user / secs, sys / secs, frames ? 1e6 * (user + sys) / frames : 0);
  printf("latency ms:");
  for (int j = 0; j < 4; j++) {
    long want = (long) (q[j] * frames), seen = 0;
    long b = 0;
    while (b < buckets && seen + hist[b] < want) seen += hist[b++];
    double upper = (b + 1) * BUCKET_US; /* a bucket's upper bound, never above the largest value seen */
    printf("  p%g %.1f", q[j] * 100, (upper < max_us ? upper : max_us) / 1000.0);
  }
  printf("  max %.1f\n", max_us / 1000.0);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 10000;
  int rate = argc > 2 ? atoi(argv[2]) : 10;
  int frame = argc > 3 ? atoi(argv[3]) : 372;
  int warmup = argc > 4 ? atoi(argv[4]) : 10;
  int measure = argc > 5 ? atoi(argv[5]) : 30;
  if (n < 1 || n > 60000 || rate < 1 || rate > 10000 || frame < 16 || frame > 65536 || warmup < 0 || measure < 1) {
    fprintf(stderr, "usage: %s [conns 1..60000] [rate 1..10000] [frame bytes 16..65536] [warmup s] [measure s]\n",
            argv[0]);
    return 64;
  }
  struct rlimit nofile;
  getrlimit(RLIMIT_NOFILE, &nofile);
  if (nofile.rlim_cur < (rlim_t) n + 64) {
    nofile.rlim_cur = nofile.rlim_max < (rlim_t) n + 64 ? nofile.rlim_max : (rlim_t) n + 64;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }

  int lfd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(lfd, (struct sockaddr *) &addr, sizeof addr) < 0) die("bind");
  socklen_t len = sizeof addr;
  getsockname(lfd, (struct sockaddr *) &addr, &len);
  if (listen(lfd, 4096) < 0) die("listen");
  int go[2];
  if (pipe(go) < 0) die("pipe");

  int *fds = malloc(n * sizeof(int));
  int one = 1;
  pid_t child = fork();
  if (child < 0) die("fork");
  if (child == 0) { /* the client: connects, waits for the start instants, reads */
    close(lfd);
    for (int i = 0; i < n; i++) {
      fds[i] = socket(AF_INET, SOCK_STREAM, 0);
      if (fds[i] < 0) die("client socket");
      if (connect(fds[i], (struct sockaddr *) &addr, sizeof addr) < 0) die("connect");
      setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      set_nonblocking(fds[i]);
    }
    long instants[2];
    if (read(go[0], instants, sizeof instants) != sizeof instants) _exit(1);
    run_client(fds, n, frame, instants[0], instants[1], instants[1] + 500000000L);
    fflush(stdout);
    _exit(0);
  }
  for (int i = 0; i < n; i++) {
    /* bounded: a client that cannot connect (out of ports, descriptors) exits; do not wait for it forever */
    struct pollfd pending = {.fd = lfd, .events = POLLIN};
    if (poll(&pending, 1, 10000) != 1) {
      fprintf(stderr, "only %d of %d connections arrived within 10 s; giving up\n", i, n);
      kill(child, SIGKILL);
      waitpid(child, NULL, 0);
      return 1;
    }
    fds[i] = accept(lfd, NULL, NULL);
    if (fds[i] < 0) die("accept");
    setsockopt(fds[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    set_nonblocking(fds[i]);
  }
  close(lfd);
  long start = now_ns() + 500000000L; /* the client is connected (every accept returned); let it reach epoll_wait */
  long measure_from = start + warmup * 1000000000L;
  long deadline = measure_from + measure * 1000000000L;
  long instants[2] = {measure_from, deadline};
  if (write(go[1], instants, sizeof instants) != sizeof instants) die("write");
  printf("%d connections on 127.0.0.1, %d messages/s, %d-byte frames: %d frames/s; warmup %d s, measured %d s\n", n,
         rate, frame, n * rate, warmup, measure);
  fflush(stdout);
  run_server(fds, n, rate, frame, start, measure_from, deadline);
  fflush(stdout);
  int status;
  waitpid(child, &status, 0);
  return 0;
}
