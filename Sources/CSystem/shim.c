#define _GNU_SOURCE 1
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include "CSystem.h"

int cs_available_cpus(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return (int)sysconf(_SC_NPROCESSORS_ONLN);
    int n = CPU_COUNT(&set);
    return n > 0 ? n : 1;
}

void cs_set_thread_name(const char *name) {
    char buf[16];
    int i = 0;
    for (; i < 15 && name[i]; i++) buf[i] = name[i];
    buf[i] = 0;
    pthread_setname_np(pthread_self(), buf);
}

int cs_accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    return accept4(fd, addr, len, flags);
}

#include <errno.h>
#include <string.h>

static volatile int cs_signal_pipe = -1;

static void cs_signal_forwarder(int signo) {
    int saved = errno;
    unsigned char byte = (unsigned char)signo;
    if (cs_signal_pipe >= 0) (void)write(cs_signal_pipe, &byte, 1);
    errno = saved;
}

int cs_signal_is_ignored(int signo) {
    struct sigaction current;
    if (sigaction(signo, NULL, &current) != 0) return 0;
    return current.sa_handler == SIG_IGN;
}

int cs_forward_signal(int signo, int pipe_write_fd) {
    cs_signal_pipe = pipe_write_fd;
    struct sigaction action;
    memset(&action, 0, sizeof(action));
    action.sa_handler = cs_signal_forwarder;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return sigaction(signo, &action, NULL);
}

void cs_signal_forwarding_off(void) { cs_signal_pipe = -1; }

static __thread void *current_loop;

void cs_set_current_loop(void *loop) { current_loop = loop; }

void *cs_current_loop(void) { return current_loop; }
