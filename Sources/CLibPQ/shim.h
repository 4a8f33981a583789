#ifndef AMBER_CLIBPQ_SHIM_H
#define AMBER_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/* PG_DIAG_* are character macros; these wrappers give Swift typed access to the fields. */

/// The SQLSTATE of a failed result (`PG_DIAG_SQLSTATE`), or NULL.
static inline const char *amber_pq_sqlstate(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_SQLSTATE);
}

/// The primary human-readable message of a failed result (`PG_DIAG_MESSAGE_PRIMARY`), or NULL.
static inline const char *amber_pq_primary_message(const PGresult *result) {
    return PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY);
}

static void amber_pq_ignore_notice(void *arg, const char *message) {
    (void)arg;
    (void)message;
}

/// Drops NOTICE and WARNING messages instead of printing them to standard error.
static inline void amber_pq_silence_notices(PGconn *connection) {
    PQsetNoticeProcessor(connection, amber_pq_ignore_notice, NULL);
}
#endif
