// Lua 5.4 scripts for the Lua driver (test/real/lua-driver.c, Debian's liblua5.4.a linked
// statically; test/real/lua.test.ts). Expectations come from qemu-aarch64 at test time, never
// from this file.
import type { RealCase } from '../../helpers/real.ts';

const scripts: [name: string, lua: string][] = [
  ['print and types', `print("hello", 1, 2.5, true, nil, 10 // 3, 10 / 4, 2^10, 7 % -3, -7 // 2, 1e15, 1e16, 0x7fffffffffffffff + 1)
print(type(1), type(1.0), math.type(1), math.type(1.0), math.type("1"), tostring(nil), #"abc", 3 == 3.0, "10" + 5, 10 .. 20)`],
  ['integer and float math', `print(math.maxinteger, math.mininteger, math.maxinteger + 1 == math.mininteger, math.pi, -math.pi)
print(math.floor(-3.5), math.ceil(-3.5), math.fmod(7, -3), math.fmod(-7, 3), math.abs(math.mininteger), math.tointeger(3.0), math.tointeger(3.5))
print(math.sqrt(2), math.exp(1), math.log(10), math.log(8, 2), math.sin(1), math.cos(1), math.atan(1, 2), math.huge, -math.huge, 0/0 ~= 0/0)
print(string.format("%.17g %.17g %a", 0.1 + 0.2, 1/3, 1.0), 3 | 5, 3 & 5, 3 ~ 5, ~0, 1 << 63, 1 << 64, -1 >> 1, 7 // 0.0, -7 % math.huge)
print(pcall(function() return 1 // 0 end))
print(math.ult(1, -1), 255 // 16, 2^53 + 1, math.floor(2^62), string.format("%d", 3.0))`],
  ['closures', `local function counter() local n = 0; return function() n = n + 1; return n end end
local a, b = counter(), counter()
print(a(), a(), a(), b())
local fs = {}
for i = 1, 5 do fs[i] = function() return i * i end end
local t = {} for i = 1, 5 do t[#t + 1] = fs[i]() end print(table.concat(t, " "))
local function compose(f, g) return function(...) return f(g(...)) end end
print(compose(function(x) return x + 1 end, function(x, y) return x * y end)(6, 7))
local function memo(f) local c = {} return function(n) local v = c[n] if not v then v = f(n) c[n] = v end return v end end
local fib fib = memo(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
print(fib(80))
print(select("#", 1, nil, 3), select(2, "a", "b", "c"), table.unpack({1, 2, 3}, 2))`],
  ['coroutines', `local gen = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i) end return "done" end)
print(gen(), gen(), gen(), gen())
local co = coroutine.create(function(a, b)
  print("start", a, b)
  local c = coroutine.yield(a + b)
  print("got", c)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
print(coroutine.resume(co, 1, 2)) print(coroutine.status(co))
print(coroutine.resume(co, 10)) print(coroutine.resume(co, 3, 4)) print(coroutine.status(co), coroutine.resume(co))
local function producer() return coroutine.wrap(function() for w in ("one two three"):gmatch("%a+") do coroutine.yield(w) end end) end
for w in producer() do io.write(w:upper(), ";") end print()
print(coroutine.isyieldable(), select(2, coroutine.running()))
local bad = coroutine.create(function() error("inside") end) print(coroutine.resume(bad))`],
  ['string library', `local s = "The quick brown fox jumps over the lazy dog"
print(s:len(), s:upper(), s:lower():sub(5, 9), s:sub(-3), s:rep(2, "|"):len(), s:byte(1, 3), string.char(72, 105))
print(s:find("quick"), s:find("o", 20, true), s:match("(%a+) (%a+)$"), s:gsub("o", "0"))
print(("%d %5.2f %-5s| %x %X %o %e %g %q %s %c %i"):format(42, math.pi, "ab", 255, 255, 8, 12345.678, 0.0001, "a\\nb\\"c", nil, 65, -7))
for k, v in ("a=1, b=22, ccc=333"):gmatch("(%w+)=(%w+)") do io.write(k, "->", v, " ") end print()
print(("hello world"):gsub("(%w+)", "<%1>"), ("abc"):gsub("", "-"), ("hello"):gsub("l+", function(m) return #m end))
print(("  trim me  "):match("^%s*(.-)%s*$"), ("key = value"):match("^(%w+)%s*=%s*(%w+)$"), ("2024-02-29"):match("(%d+)-(%d+)-(%d+)"))
print(("%bxy"):len(), ("f(a(b)c)d"):match("%b()"), ("THE (quick) fox"):find("%f[%a]%a+%f[%A]"), ("x"):rep(0), tostring(12):reverse())
print(string.format("%10.3s|%-10s|%+d|% d|%#x|%.0f|%.3g", "abcdef", "hi", 5, 5, 255, 2.5, 1234567))
print(utf8.char(72, 233, 8364, 128512), utf8.len("héllo"), #utf8.char(8364), utf8.codepoint("é"))`],
  ['tables and metatables', `local t = {10, 20, 30, x = 1, ["y z"] = 2}
print(#t, t[2], t.x, t["y z"], rawlen(t), next({}))
table.insert(t, 40) table.insert(t, 1, 5) print(table.concat(t, ","), table.remove(t), table.remove(t, 1), table.concat(t, ","))
local words = {"pear", "apple", "fig", "banana", "cherry"}
table.sort(words) print(table.concat(words, " "))
table.sort(words, function(a, b) return #a < #b or (#a == #b and a < b) end) print(table.concat(words, " "))
print(table.concat(table.move({1, 2, 3}, 1, 3, 2, {9}), ","), table.unpack(table.pack(1, nil, 3), 1, 3))
local V = {} V.__index = V
function V.new(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return V.new(a.x + b.x, a.y + b.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__lt = function(a, b) return a.x < b.x end
V.__tostring = function(v) return "(" .. v.x .. "," .. v.y .. ")" end
V.__len = function() return 2 end
V.__call = function(v, k) return v[k] end
V.__concat = function(a, b) return tostring(a) .. tostring(b) end
function V:norm2() return self.x * self.x + self.y * self.y end
local p = V.new(1, 2) + V.new(3, 4)
print(tostring(p), p == V.new(4, 6), p < V.new(5, 0), #p, p("y"), p .. V.new(0, 0), p:norm2())
local defaults = setmetatable({}, {__index = function(_, k) return k .. "?" end, __newindex = function(t, k, v) rawset(t, k, v * 2) end})
defaults.a = 21 print(defaults.a, defaults.b)
local keys = {} for k in pairs({a = 1, b = 2, c = 3}) do keys[#keys + 1] = k end table.sort(keys) print(table.concat(keys))
local ro = setmetatable({}, {__index = {v = 1}, __newindex = function() error("read-only", 2) end})
print(pcall(function() ro.x = 1 end))`],
  ['pcall and error', `print(pcall(error, "msg"))
print(select(2, pcall(error, {code = 42})).code)
print(select(2, pcall(error, setmetatable({}, {__tostring = function() return "custom" end})))) 
print(pcall(function() local x = nil; return x.field end))
print(pcall(function() return 1 + {} end))
print(pcall(function() error("with level", 2) end))
print(xpcall(function() error("deep") end, function(m) return "handled: " .. m end))
local ok, e = pcall(string.rep) print(ok, e)
print(pcall(string.format, "%d", 1.5))
local function thrower(n) if n == 0 then error("bottom") end return thrower(n - 1) end
print(pcall(thrower, 100))
print(string.format("%s", select(2, pcall(function() assert(false, "assertion text") end))))
local co = coroutine.wrap(function() error("in coroutine") end) print(pcall(co))
print(tostring(nil), tonumber("0x10"), tonumber("10", 2), tonumber("z", 36), tonumber("1e2"), tonumber("abc"), tonumber(" 12 "))`],
  ['string.pack', `local p = string.pack("<i4 >i4 h B s1 z d f j", -2, 258, -3, 255, "abc", "zero", 1.5, 0.25, math.mininteger)
print(#p, (p:gsub(".", function(c) return string.format("%02x", c:byte()) end)))
print(string.unpack("<i4 >i4 h B s1 z d f j", p))
print(string.packsize("i4 i8 d"), string.packsize("!8 i1 i8"), string.unpack("<I2", "\\1\\2"), string.unpack(">I3", "\\1\\2\\3"))
print(pcall(string.pack, "i2", 40000))
print(string.unpack("i1 i1", string.pack("i1 i1", -1, 127)))`],
  ['recursion depth', `local function depth(n) if n == 0 then return 0 end return 1 + depth(n - 1) end
print(depth(10000))
local function sum(n, acc) if n == 0 then return acc end return sum(n - 1, acc + n) end
print(sum(1000000, 0))
local ok, e = pcall(function() local function inf(n) return 1 + inf(n + 1) end return inf(1) end)
print(ok, (e:gsub("^.-:%d+: ", "")))`],
  ['algorithms', `local function sieve(n) local p, out = {}, {} for i = 2, n do if not p[i] then out[#out + 1] = i for j = i * i, n, i do p[j] = true end end end return out end
local pr = sieve(10000) print(#pr, pr[#pr])
local function qsort(t, lo, hi) lo = lo or 1 hi = hi or #t if lo < hi then local p, i = t[hi], lo - 1 for j = lo, hi - 1 do if t[j] <= p then i = i + 1 t[i], t[j] = t[j], t[i] end end t[i + 1], t[hi] = t[hi], t[i + 1] qsort(t, lo, i) qsort(t, i + 2, hi) end return t end
local x, t = 12345, {} for i = 1, 2000 do x = (x * 1103515245 + 12345) % 2147483648 t[i] = x % 1000 end
qsort(t) print(t[1], t[1000], t[2000])
local s = 0.0 for i = 1, 100000 do s = s + 1 / (i * i) end print(string.format("%.15f", s))
local words = {} for w in ("the cat and the dog and the bird"):gmatch("%a+") do words[w] = (words[w] or 0) + 1 end
local ks = {} for k, v in pairs(words) do ks[#ks + 1] = k .. "=" .. v end table.sort(ks) print(table.concat(ks, " "))
local h = 0 for i = 1, 100000 do h = (h * 31 + i) & 0xffffffff end print(h)`],
  ['goto and varargs', `for i = 1, 3 do for j = 1, 3 do if j == 2 then goto continue end io.write(i, j, " ") ::continue:: end end print()
local function va(...) local t = {...} return select("#", ...), #t, ... end
print(va(1, nil, 3))
local function tail(n) if n > 0 then return tail(n - 1) end return "tail done" end print(tail(100000))
local t <const> = 5 print(t)
do local x <close> = setmetatable({}, {__close = function() print("closed") end}) print("in block") end
print(string.format("%s %s", os.time({year = 2020, month = 1, day = 1, hour = 12}) ~= nil, os.date("!%Y-%m-%d", 86400)))`],
  ['load and env', `local f = load("return 1 + ...") print(f(41))
print(load("syntax error here"))
local env = {print = print, x = 5} local g = load("x = x * 2; return x", "chunk", "t", env) print(g(), env.x, x)
print(pcall(load("error('from chunk')", "=mychunk")))
print(string.dump ~= nil, type(_G), _VERSION, #arg, arg[0])
local mt = {} print(getmetatable("abc").__index == string, rawequal(mt, mt))
print(collectgarbage("count") > 0, collectgarbage("step") ~= nil, collectgarbage("isrunning"))`],
  ['io and os', `io.write("no newline", "|", 12, "|", 1.5, "\\n")
local f = assert(io.open("out.txt", "w")) f:write("line1\\n", "line2\\n", 42, "\\n") f:close()
for l in io.lines("out.txt") do io.write("[", l, "]") end print()
local r = io.open("out.txt") print(r:read("l"), r:read("n"), r:read("a")) r:close()
print(io.open("missing.txt"))
print(os.getenv("HOME"), os.getenv("NOPE"), type(os.clock()))
print(io.read("l"), io.read("n"), io.read("a"))
io.stderr:write("to stderr\\n")
os.exit(3)`],
  ['runtime error exit', `local t = {} print("before") t.x.y = 1 print("after")`],
  ['syntax error exit', `print("a" .. )`],
];

export const cases: RealCase[] = [
  ...scripts.map(([name, lua]): RealCase => ({ name, args: ['s.lua'], files: { 's.lua': `${lua}\n` }, stdin: name === 'io and os' ? 'first line\n 42 rest\nof input\n' : undefined })),
  { name: 'script from stdin', args: [], stdin: 'print(("stdin"):upper(), 6 * 7)\n' },
  { name: 'missing script', args: ['nope.lua'] },
];
