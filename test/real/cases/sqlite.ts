// SQL scripts for the SQLite driver (test/real/sqlite-driver.c, Debian's libsqlite3.a linked
// statically; test/real/sqlite.test.ts). Each runs on a fresh in-memory database, from a file or
// from stdin. Expectations come from qemu-aarch64 at test time, never from this file.
import type { RealCase } from '../../helpers/real.ts';

const schema = `
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary REAL, boss INTEGER);
INSERT INTO dept VALUES (1, 'eng'), (2, 'ops'), (3, 'empty');
INSERT INTO emp VALUES
  (1, 'ada', 1, 120000, NULL), (2, 'bob', 1, 95000.5, 1), (3, 'cy', 2, 70000, 1),
  (4, 'di', 2, 72000, 3), (5, 'ed', 1, 99000, 2), (6, 'flo', NULL, 50000, 3);
`;

const scripts: [name: string, sql: string][] = [
  ['select basics', "SELECT 1 + 1 AS two, 7 / 2 AS intdiv, 7 / 2.0 AS realdiv, 7 % 3, -7 % 3, 'a' || 'b', NULL IS NULL, typeof(1), typeof(1.5), typeof('x'), typeof(x'00'), typeof(NULL);"],
  ['version and options', "SELECT sqlite_version(); SELECT count(*) > 0 AS has_options FROM pragma_compile_options;"],
  ['create insert select', `${schema} SELECT * FROM emp ORDER BY id; SELECT name FROM dept ORDER BY name DESC;`],
  ['joins', `${schema}
    SELECT e.name, d.name FROM emp e JOIN dept d ON e.dept = d.id ORDER BY e.name;
    SELECT e.name, coalesce(d.name, '-') FROM emp e LEFT JOIN dept d ON e.dept = d.id ORDER BY e.id;
    SELECT d.name, count(e.id) FROM dept d LEFT JOIN emp e ON e.dept = d.id GROUP BY d.id ORDER BY d.id;
    SELECT a.name, b.name FROM emp a JOIN emp b ON a.boss = b.id WHERE b.name = 'ada' ORDER BY 1;`],
  ['aggregates', `${schema}
    SELECT dept, count(*), sum(salary), avg(salary), min(name), max(salary), total(salary), group_concat(name, ',')
      FROM emp GROUP BY dept HAVING count(*) > 0 ORDER BY dept NULLS LAST;
    SELECT count(DISTINCT dept), count(dept), count(*) FROM emp;`],
  ['recursive CTE', `
    WITH RECURSIVE cnt(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM cnt WHERE x < 10) SELECT group_concat(x, ' ') FROM cnt;
    WITH RECURSIVE fib(a, b, n) AS (SELECT 0, 1, 0 UNION ALL SELECT b, a + b, n + 1 FROM fib WHERE n < 60) SELECT n, a FROM fib WHERE n % 10 = 0;
    WITH RECURSIVE mandel(y, line) AS (
      SELECT -1.0, '' UNION ALL SELECT y + 0.25, '' FROM mandel WHERE y < 1.0)
    SELECT y FROM mandel;`],
  ['recursive CTE tree', `${schema}
    WITH RECURSIVE chain(id, name, depth, path) AS (
      SELECT id, name, 0, name FROM emp WHERE boss IS NULL
      UNION ALL SELECT e.id, e.name, c.depth + 1, c.path || '/' || e.name FROM emp e JOIN chain c ON e.boss = c.id)
    SELECT depth, path FROM chain ORDER BY path;`],
  ['window functions', `${schema}
    SELECT name, dept, salary, rank() OVER (PARTITION BY dept ORDER BY salary DESC) AS r,
      row_number() OVER (ORDER BY salary) AS rn, sum(salary) OVER (ORDER BY id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS s2,
      lag(name) OVER (ORDER BY id) AS prev, lead(name, 2, '?') OVER (ORDER BY id) AS next2,
      ntile(3) OVER (ORDER BY id) AS tile, round(percent_rank() OVER (ORDER BY salary), 4) AS pr,
      first_value(name) OVER w AS fv, last_value(name) OVER w AS lv
    FROM emp WINDOW w AS (PARTITION BY dept ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) ORDER BY id;`],
  ['transactions', `${schema}
    BEGIN; UPDATE emp SET salary = salary * 2; SELECT sum(salary) FROM emp; ROLLBACK; SELECT sum(salary) FROM emp;
    BEGIN; DELETE FROM emp WHERE dept = 2; COMMIT; SELECT count(*) FROM emp;
    BEGIN; SAVEPOINT s1; INSERT INTO dept VALUES (9, 'tmp'); ROLLBACK TO s1; RELEASE s1; COMMIT; SELECT count(*) FROM dept;`],
  ['constraints and errors', `CREATE TABLE t(a INTEGER PRIMARY KEY, b TEXT UNIQUE NOT NULL CHECK (length(b) < 5));
    INSERT INTO t VALUES (1, 'x'); INSERT OR IGNORE INTO t VALUES (1, 'y'); INSERT OR REPLACE INTO t VALUES (2, 'x');
    SELECT * FROM t; INSERT INTO t VALUES (3, 'toolong');`],
  ['syntax error', 'SELECT 1; SELEC 2;'],
  ['printf and strings', `SELECT printf('%5d|%-5s|%.3f|%x|%08.2f|%e|%c|%q|%%', 42, 'ab', 3.14159, 255, -3.5, 12345.678, 'xyz', 'it''s');
    SELECT upper('abc'), lower('ÀB'), length('héllo'), substr('hello', 2, 3), replace('a-b-c', '-', '+'), instr('hello', 'll'), trim('  x  '), ltrim('xxy', 'x'), hex('AB'), quote('a''b'), unicode('é'), char(72, 105);
    SELECT 'abc' LIKE 'A%', 'abc' GLOB 'A*', 'abc' < 'abd', 'x' IN ('a', 'x');`],
  ['numbers', `SELECT 9223372036854775807 + 0, 9223372036854775807 + 1, -9223372036854775808, 1e308 * 10, round(2.5), round(-2.5), round(3.14159, 2), abs(-7), 0.1 + 0.2, 1.0 / 3, cast('12abc' AS INTEGER), cast(3.99 AS INTEGER), 5 / 0, max(1, 2.5, '3'), min(1, 2.5), random() IS NOT NULL;
    SELECT sum(x), avg(x) FROM (SELECT 1e18 AS x UNION ALL SELECT 1e18 UNION ALL SELECT -2e18);`],
  ['json', `SELECT json_object('a', 1, 'b', json_array(1, 2.5, 'x', NULL)), json_extract('{"a":{"b":[1,2,3]}}', '$.a.b[1]'), json_valid('{'), json_type('[1]');
    SELECT key, value, type FROM json_each('{"x":1,"y":"two","z":[3]}') ORDER BY key;
    SELECT json_group_array(name) FROM (SELECT 'a' AS name UNION ALL SELECT 'b');
    SELECT json_set('{"a":1}', '$.b', 2), json_remove('[1,2,3]', '$[1]'), '{"k":[10,20]}' -> '$.k', '{"k":[10,20]}' ->> '$.k[1]';`],
  ['indexes and query plan', `CREATE TABLE big(k INTEGER, v TEXT);
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO big SELECT (i * 7919) % 2003, 'v' || i FROM c;
    CREATE INDEX big_k ON big(k);
    SELECT count(*), sum(k), min(v), max(v) FROM big;
    SELECT k, v FROM big WHERE k BETWEEN 100 AND 104 ORDER BY k;
    EXPLAIN QUERY PLAN SELECT v FROM big WHERE k = 5;`],
  ['sort and distinct', `WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 500)
    SELECT i % 7 AS m, count(*), sum(i) FROM c GROUP BY m ORDER BY 3 DESC;
    WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 50) SELECT DISTINCT (i * i) % 10 FROM c ORDER BY 1;
    SELECT * FROM (VALUES (3, 'c'), (1, 'a'), (2, 'b')) ORDER BY column1 DESC LIMIT 2 OFFSET 0;`],
  ['views triggers upsert', `${schema}
    CREATE VIEW rich AS SELECT name FROM emp WHERE salary > 90000;
    CREATE TABLE log(msg TEXT);
    CREATE TRIGGER t AFTER UPDATE ON emp BEGIN INSERT INTO log VALUES (old.name || ':' || old.salary || '->' || new.salary); END;
    UPDATE emp SET salary = salary + 1 WHERE dept = 2;
    SELECT * FROM rich ORDER BY name; SELECT * FROM log ORDER BY msg;
    CREATE TABLE kv(k TEXT PRIMARY KEY, n INTEGER);
    INSERT INTO kv VALUES ('a', 1) ON CONFLICT(k) DO UPDATE SET n = n + 1;
    INSERT INTO kv VALUES ('a', 1) ON CONFLICT(k) DO UPDATE SET n = n + 1;
    SELECT * FROM kv;`],
  ['blobs and dates', `SELECT hex(zeroblob(4)), length(randomblob(8)), hex(cast('hi' AS BLOB)), x'414243' = cast('ABC' AS BLOB);
    SELECT date('2024-02-28', '+1 day'), datetime(1700000000, 'unixepoch'), strftime('%Y-%j %H:%M', '2024-12-31 23:59:00'), julianday('2000-01-01'), date('2024-01-31', '+1 month');`],
];

export const cases: RealCase[] = [
  ...scripts.map(([name, sql]): RealCase => ({ name, args: ['q.sql'], files: { 'q.sql': `${sql}\n` } })),
  { name: 'stdin', args: [], stdin: `${schema} SELECT name, salary FROM emp WHERE salary > 80000 ORDER BY salary;\n` },
  { name: 'missing file', args: ['nope.sql'] },
];
