/* calc.c: a line-based calculator. Each input line is an expression or an assignment
 * (`x = 2^10`); each produces exactly one output line (the value or "error: ..."), so a host
 * that replays the whole session as stdin finds the newest answer on the last line.
 * Numbers, + - * / % ^ (right-associative), parentheses, unary minus, variables, `ans`,
 * constants pi and e, and functions sqrt, sin, cos, tan, exp, ln, log, abs, floor, ceil. */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *p;
static jmp_buf fail;
static char why[96];

#define MAXVARS 64
static struct { char name[32]; double value; } vars[MAXVARS];
static int nvars;

static void error(const char *msg) { snprintf(why, sizeof why, "%s", msg); longjmp(fail, 1); }
static void skip(void) { while (*p == ' ' || *p == '\t') p++; }

static double *lookup(const char *name, int create) {
  for (int i = 0; i < nvars; i++) if (!strcmp(vars[i].name, name)) return &vars[i].value;
  if (!create) return NULL;
  if (nvars == MAXVARS) error("too many variables");
  snprintf(vars[nvars].name, sizeof vars[nvars].name, "%s", name);
  vars[nvars].value = 0;
  return &vars[nvars++].value;
}

static double expr(void);

static double call(const char *f, double x) {
  static const struct { const char *name; double (*fn)(double); } fns[] = {
    {"sqrt", sqrt}, {"sin", sin}, {"cos", cos}, {"tan", tan}, {"exp", exp}, {"ln", log},
    {"log", log10}, {"abs", fabs}, {"floor", floor}, {"ceil", ceil},
  };
  for (unsigned i = 0; i < sizeof fns / sizeof fns[0]; i++) if (!strcmp(fns[i].name, f)) return fns[i].fn(x);
  snprintf(why, sizeof why, "unknown function %s", f);
  longjmp(fail, 1);
}

static double primary(void) {
  skip();
  if (*p == '(') {
    p++;
    double v = expr();
    skip();
    if (*p++ != ')') error("missing )");
    return v;
  }
  if (*p == '-') { p++; return -primary(); }
  if (*p == '+') { p++; return primary(); }
  if (isdigit((unsigned char)*p) || *p == '.') {
    char *end;
    double v = strtod(p, &end);
    if (end == p) error("bad number");
    p = end;
    return v;
  }
  if (isalpha((unsigned char)*p) || *p == '_') {
    char name[32];
    int n = 0;
    while ((isalnum((unsigned char)*p) || *p == '_') && n < 31) name[n++] = *p++;
    name[n] = 0;
    skip();
    if (*p == '(') { p++; double a = expr(); skip(); if (*p++ != ')') error("missing )"); return call(name, a); }
    if (!strcmp(name, "pi")) return M_PI;
    if (!strcmp(name, "e")) return M_E;
    double *v = lookup(name, 0);
    if (!v) { snprintf(why, sizeof why, "unknown variable %s", name); longjmp(fail, 1); }
    return *v;
  }
  if (!*p) error("unexpected end of line");
  snprintf(why, sizeof why, "unexpected '%c'", *p);
  longjmp(fail, 1);
}

static double power(void) {
  double b = primary();
  skip();
  if (*p == '^') { p++; return pow(b, power()); }
  return b;
}

static double term(void) {
  double v = power();
  for (;;) {
    skip();
    char op = *p;
    if (op != '*' && op != '/' && op != '%') return v;
    p++;
    double r = power();
    if (op == '*') v *= r;
    else if (r == 0) error("division by zero");
    else v = op == '/' ? v / r : fmod(v, r);
  }
}

static double expr(void) {
  double v = term();
  for (;;) {
    skip();
    if (*p == '+') { p++; v += term(); }
    else if (*p == '-') { p++; v -= term(); }
    else return v;
  }
}

int main(void) {
  char line[1024];
  double *ans = lookup("ans", 1);
  while (fgets(line, sizeof line, stdin)) {
    line[strcspn(line, "\r\n")] = 0;
    p = line;
    skip();
    if (!*p) continue;
    if (setjmp(fail)) { printf("error: %s\n", why); continue; }
    /* an assignment: name = expr */
    const char *q = p;
    char target[32] = "";
    if (isalpha((unsigned char)*q) || *q == '_') {
      int n = 0;
      while ((isalnum((unsigned char)*q) || *q == '_') && n < 31) target[n++] = *q++;
      target[n] = 0;
      while (*q == ' ') q++;
      if (*q == '=' && q[1] != '=') p = q + 1; else target[0] = 0;
    }
    double v = expr();
    skip();
    if (*p) { snprintf(why, sizeof why, "unexpected '%c'", *p); longjmp(fail, 1); }
    if (target[0]) {
      if (!strcmp(target, "pi") || !strcmp(target, "e")) error("cannot assign to a constant");
      *lookup(target, 1) = v;
    }
    *ans = v;
    if (target[0]) printf("%s = %.12g\n", target, v);
    else printf("%.12g\n", v);
  }
  return 0;
}
