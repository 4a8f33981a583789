#ifndef AMBER_CZSTD_SHIM_H
#define AMBER_CZSTD_SHIM_H
#include <zstd.h>
#endif
