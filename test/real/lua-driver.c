/* Lua 5.4 driver for the real-binary tests (test/real/lua.test.ts): runs the script file argv[1]
 * (stdin without an argument) through luaL_dofile with the standard libraries open; the remaining
 * arguments are in the global table `arg` (arg[0] is the script). An error prints the Lua message on
 * stderr and exits with status 1. Built statically against Debian's liblua5.4.a by
 * scripts/debian-binaries.mjs. */
#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>
#include <stdio.h>

int main(int argc, char **argv) {
  lua_State *L = luaL_newstate();
  if (!L) {
    fprintf(stderr, "lua-driver: cannot create state\n");
    return 1;
  }
  luaL_openlibs(L);
  lua_createtable(L, argc, 0);
  for (int i = 1; i < argc; i++) {
    lua_pushstring(L, argv[i]);
    lua_rawseti(L, -2, i - 1);
  }
  lua_setglobal(L, "arg");
  int status = 0;
  if (luaL_dofile(L, argc > 1 ? argv[1] : NULL) != LUA_OK) {
    fprintf(stderr, "lua: %s\n", lua_tostring(L, -1));
    status = 1;
  }
  lua_close(L);
  fflush(stdout);
  return status;
}
