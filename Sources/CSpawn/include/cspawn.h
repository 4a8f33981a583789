// GNU extensions of posix_spawn and pipe (glibc 2.34+), which Swift's Glibc module does not
// export: a profile run's children must inherit no descriptor but 0, 1 and 2.
#ifndef AMBER_CSPAWN_H
#define AMBER_CSPAWN_H
#include <spawn.h>

/// Closes every descriptor from `from` on in the child (posix_spawn_file_actions_addclosefrom_np).
/// Returns 0 or an errno value.
int amber_spawn_close_from(posix_spawn_file_actions_t *actions, int from);

/// Makes a pipe whose two ends close on exec (pipe2 with O_CLOEXEC). Returns 0 or -1 (errno set).
int amber_pipe_cloexec(int ends[2]);
#endif
