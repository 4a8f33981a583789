// Extended attributes of the C library (glibc: no library to link), which Swift's Glibc module
// does not export.
#include <sys/types.h>
#include <sys/xattr.h>
