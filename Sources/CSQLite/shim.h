#ifndef AMBER_CSQLITE_SHIM_H
#define AMBER_CSQLITE_SHIM_H
#include <sqlite3.h>
/* SQLITE_TRANSIENT is a macro cast Swift cannot import. */
static inline sqlite3_destructor_type amber_sqlite_transient(void) { return SQLITE_TRANSIENT; }
#endif
