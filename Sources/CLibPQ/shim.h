#ifndef AMBER_CLIBPQ_SHIM_H
#define AMBER_CLIBPQ_SHIM_H
#include <libpq-fe.h>
#endif
