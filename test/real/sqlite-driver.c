/* SQLite driver for the real-binary tests (test/real/sqlite.test.ts).
 * Runs the SQL of a file (argv[1]) or of stdin on an in-memory database through sqlite3_exec and
 * prints every result row as its column values joined by '|' (NULL as "NULL"), preceded by the
 * column names (joined the same way) before the first row of each statement.
 * An error prints "error: <message>" on stderr and exits with status 1.
 * Built statically against Debian's libsqlite3.a by scripts/debian-binaries.mjs. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int header_due = 1;

static int row(void *unused, int n, char **values, char **names) {
  (void)unused;
  if (header_due) {
    for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", names[i]);
    printf("\n");
    header_due = 0;
  }
  for (int i = 0; i < n; i++) printf("%s%s", i ? "|" : "", values[i] ? values[i] : "NULL");
  printf("\n");
  return 0;
}

static char *slurp(FILE *f) {
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
    len += got;
    if (cap - len < 2) buf = realloc(buf, cap *= 2);
  }
  if (buf) buf[len] = 0;
  return buf;
}

int main(int argc, char **argv) {
  FILE *in = stdin;
  if (argc > 1 && !(in = fopen(argv[1], "r"))) {
    perror(argv[1]);
    return 2;
  }
  char *sql = slurp(in);
  if (!sql) return 2;
  sqlite3 *db;
  if (sqlite3_open(":memory:", &db) != SQLITE_OK) {
    fprintf(stderr, "error: %s\n", sqlite3_errmsg(db));
    return 1;
  }
  /* one statement at a time, so that each statement's rows get their own header line */
  const char *tail = sql;
  int status = 0;
  while (*tail) {
    sqlite3_stmt *stmt;
    const char *next;
    if (sqlite3_prepare_v2(db, tail, -1, &stmt, &next) != SQLITE_OK) {
      fprintf(stderr, "error: %s\n", sqlite3_errmsg(db));
      status = 1;
      break;
    }
    if (!stmt) { tail = next; continue; } /* whitespace or a comment */
    size_t len = (size_t)(next - tail);
    char *one = malloc(len + 1);
    memcpy(one, tail, len);
    one[len] = 0;
    sqlite3_finalize(stmt);
    char *err = NULL;
    header_due = 1;
    if (sqlite3_exec(db, one, row, NULL, &err) != SQLITE_OK) {
      fprintf(stderr, "error: %s\n", err ? err : "?");
      sqlite3_free(err);
      free(one);
      status = 1;
      break;
    }
    free(one);
    tail = next;
  }
  sqlite3_close(db);
  free(sql);
  fflush(stdout);
  return status;
}
