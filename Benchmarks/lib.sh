# Shell functions shared by the benchmark scripts (sourced, not run).

# pg_fingerprint URI FILE: a PostgreSQL database's schema and every table's rows, hashed, into FILE
# (FILE.schema keeps the filtered schema). The md5 of `pg_dump --schema-only` (no owner, privileges
# or comments on the public schema; comment lines, blank lines and psql's \restrict/\unrestrict
# lines removed) and, per table, the md5 of `COPY (SELECT * FROM t ORDER BY every column) TO STDOUT`.
# Two databases with equal files hold the same schema and the same rows. The password comes from
# PGPASSWORD (or ~/.pgpass), never from URI.
pg_fingerprint() {
    local uri="$1" out="$2" table columns
    {
        pg_dump --schema-only --no-owner --no-privileges --no-comments "$uri" | grep -v '^--' | grep -v '^$' | grep -v '^.\(un\)\{0,1\}restrict ' | tee "$out.schema" | md5sum
        for table in $(psql -X -At "$uri" -c "SELECT schemaname||'.'||tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog','information_schema') ORDER BY 1"); do
            columns=$(psql -X -At "$uri" -c "SELECT string_agg(quote_ident(attname), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '$table'::regclass AND attnum > 0 AND NOT attisdropped")
            printf '%s %s\n' "$table" "$(psql -X -q "$uri" -c "COPY (SELECT * FROM $table ORDER BY $columns) TO STDOUT" | md5sum | cut -d' ' -f1)"
        done
    } > "$out"
}

# pg_start_cluster ROOT: starts a throwaway cluster (ROOT/scripts/postgres-server) and sets
# PG_DATA_DIR, PG_BIN, AMBER_TEST_PG_URI and PGPORT, and exports PGPASSWORD (from the URI), so
# that `pg_uri DB` names a database without the password ever being on a command line. The
# caller stops the cluster with `ROOT/scripts/postgres-server stop "$PG_DATA_DIR"`.
pg_start_cluster() {
    eval "$("$1/scripts/postgres-server")"
    PGPASSWORD="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).password)' "$AMBER_TEST_PG_URI")"
    PGPORT="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).port)' "$AMBER_TEST_PG_URI")"
    export PGPASSWORD
}

# pg_uri DB: the URI of database DB in the cluster pg_start_cluster started (no password).
pg_uri() { echo "postgresql://amber@127.0.0.1:$PGPORT/$1"; }
