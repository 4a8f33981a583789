#!/bin/sh
# tree-listing.sh DIR: what a restore of DIR must reproduce, one line per entry (DIR itself is "."),
# sorted by path: type, permission bits, mtime (seconds.nanoseconds), size of files, symlink
# targets; then the SHA-256 of every file. Owners are left out (a test may not run as root).
# Used by make-repository-v1.sh on the sources and by OldRepositoryTests on what amber restored.
set -eu
cd "$1"
export LC_ALL=C
find . \( -type f -printf '%p\t%y %m %T@ %s\n' \) -o \( -type l -printf '%p\t%y %T@ -> %l\n' \) -o -printf '%p\t%y %m %T@\n' | sort
find . -type f -print0 | sort -z | xargs -0 -r sha256sum
