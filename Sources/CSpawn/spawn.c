#define _GNU_SOURCE 1
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>
#include "cspawn.h"

int amber_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int amber_pipe_cloexec(int ends[2]) {
    return pipe2(ends, O_CLOEXEC);
}
