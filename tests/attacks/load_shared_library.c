/* Built by tests/test_attacks.py and loaded by load_shared_library.py. On load, native code tries what the sandbox
   forbids; cvgrade_harms counts what worked. COURSE_FILE is set at build time. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int cvgrade_harms = 0;

__attribute__((constructor)) static void on_load(void) {
    int fd = open("/tmp/cvgrade-native-marker", O_WRONLY | O_CREAT, 0644);  /* /tmp is private under bubblewrap: */
    if (fd >= 0) close(fd);                                                  /* the test checks what outlives it */
    fd = open(COURSE_FILE, O_WRONLY | O_APPEND);
    if (fd >= 0) { if (write(fd, "\nraise SystemExit\n", 18) > 0) cvgrade_harms++; close(fd); }
    long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
    if (pid == 0) _exit(0);
    if (pid > 0) cvgrade_harms++;
    if (kill(getppid(), SIGKILL) == 0) cvgrade_harms++;
    char *argv[] = {"sh", "-c", "echo planted > /tmp/cvgrade-native-exec-marker", 0};
    char *envp[] = {0};
    execve("/bin/sh", argv, envp);  /* returns only when refused */
}
