// Busybox applet cases (test/real/busybox.test.ts) that need no fork: argv[1] is the applet.
// Expectations come from qemu-aarch64 at test time, never from this file.
import { gzipSync } from 'node:zlib';
import type { RealCase } from '../../helpers/real.ts';
import { metadataTree } from './metadata-tree.ts';

const text = 'the quick brown fox\njumps over the lazy dog\nThe Quick Brown Fox\n# a comment\nfoo bar foo baz\n\nlast line\n';
const table = 'root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\n';
const words = 'pear\napple\nfig\napple\nbanana\nfig\napple\ncherry\n';
const nums = '10 b\n9 a\n100 c\n-3 d\n9 b\n2.5 e\n';
// deterministic pseudo-random data (xorshift), for the sorts and checksums of larger inputs
function pseudoLines(n: number, seed: number): string {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    out.push(`${x % 100000} ${(x >>> 8).toString(36)}`);
  }
  return `${out.join('\n')}\n`;
}
const big = pseudoLines(3000, 2463534242);

const bb = (name: string, args: string[], opts: Omit<RealCase, 'name' | 'args'> = {}): RealCase => ({ name, args, ...opts });
// identity and file metadata as the host has them (qemu-user passes both through)
const tree = metadataTree();
const inTree = (...names: string[]): string[] => names.map((n) => `${tree}/${n}`);
const sh = (name: string, script: string, opts: Omit<RealCase, 'name' | 'args'> = {}): RealCase => ({ name: `sh: ${name}`, args: ['sh', '-c', script], ...opts });

export const cases: RealCase[] = [
  // echo, printf, seq, expr, basename, dirname, true/false/test
  bb('echo', ['echo', 'hello', 'world']),
  bb('echo -n', ['echo', '-n', 'no newline']),
  bb('echo -e', ['echo', '-e', 'a\\tb\\nc\\0101\\x41']),
  bb('printf formats', ['printf', '%s=%d %5.2f %x %o %c|%-4s|%05d|%e\\n', 'a', '42', '3.14159', '255', '8', 'z', 'ab', '-42', '12345.678']),
  bb('printf reuse', ['printf', '%s-%s\\n', '1', '2', '3', '4', '5']),
  bb('printf %b', ['printf', '%b|%s\\n', 'x\\ty\\0101', 'a b']),
  bb('seq', ['seq', '5']),
  bb('seq -s', ['seq', '-s', ',', '1', '3', '20']),
  bb('seq -w', ['seq', '-w', '8', '11']),
  bb('seq float', ['seq', '1', '0.25', '2']),
  bb('seq down', ['seq', '10', '-3', '-5']),
  bb('expr mul', ['expr', '6', '*', '7']),
  bb('expr length', ['expr', 'length', 'hello']),
  bb('expr match', ['expr', 'abc123', ':', '[a-z]*']),
  bb('expr compare', ['expr', '12', '<', '9']),
  bb('expr div zero', ['expr', '1', '/', '0']),
  bb('basename', ['basename', '/usr/lib/libx.so', '.so']),
  bb('dirname', ['dirname', '/a/b/c']),
  bb('true', ['true']),
  bb('false', ['false']),
  bb('test numbers', ['test', '3', '-gt', '2']),
  bb('[ string ]', ['[', 'abc', '=', 'abd', ']']),
  bb('test -f', ['test', '-f', 'a.txt'], { files: { 'a.txt': 'x' } }),
  // files and filters
  bb('cat', ['cat', 'a.txt', '-', 'a.txt'], { files: { 'a.txt': text }, stdin: 'from stdin\n' }),
  bb('cat -n', ['cat', '-n', 'a.txt'], { files: { 'a.txt': text } }),
  bb('cat missing', ['cat', 'nope.txt']),
  bb('head -n', ['head', '-n', '3', 'a.txt'], { files: { 'a.txt': text } }),
  bb('head -c', ['head', '-c', '10'], { stdin: text }),
  bb('tail -n', ['tail', '-n', '2', 'a.txt'], { files: { 'a.txt': text } }),
  bb('tail +n', ['tail', '-n', '+5'], { stdin: text }),
  bb('tail -c', ['tail', '-c', '7', 'a.txt'], { files: { 'a.txt': text } }),
  bb('wc', ['wc', 'a.txt', 'b.txt'], { files: { 'a.txt': text, 'b.txt': table } }),
  bb('wc -l stdin', ['wc', '-l'], { stdin: big }),
  bb('sort', ['sort'], { stdin: words }),
  bb('sort -u', ['sort', '-u'], { stdin: words }),
  bb('sort -n -r', ['sort', '-n', '-r'], { stdin: nums }),
  bb('sort -k2,2 -k1n', ['sort', '-k2,2', '-k1,1n'], { stdin: nums }),
  bb('sort -t: -k3n', ['sort', '-t:', '-k3,3nr', 'p'], { files: { p: table } }),
  bb('sort big', ['sort', '-n'], { stdin: big }),
  bb('uniq -c', ['uniq', '-c'], { stdin: 'a\na\nb\nc\nc\nc\na\n' }),
  bb('uniq -d', ['uniq', '-d'], { stdin: 'a\na\nb\nc\nc\nc\na\n' }),
  bb('cut -d -f', ['cut', '-d:', '-f1,3,7', 'p'], { files: { p: table } }),
  bb('cut -c', ['cut', '-c2-5,8-'], { stdin: text }),
  bb('tr upper', ['tr', 'a-z', 'A-Z'], { stdin: text }),
  bb('tr -d', ['tr', '-d', 'aeiou'], { stdin: text }),
  bb('tr -s classes', ['tr', '-s', '[:space:]', '\\n'], { stdin: text }),
  bb('tr -c', ['tr', '-c', 'a-z\\n', '_'], { stdin: text }),
  bb('tac', ['tac', 'a.txt'], { files: { 'a.txt': text } }),
  bb('rev', ['rev'], { stdin: text }),
  bb('fold', ['fold', '-w', '7'], { stdin: text }),
  bb('fold -s', ['fold', '-s', '-w', '10'], { stdin: text }),
  bb('nl', ['nl', 'a.txt'], { files: { 'a.txt': text } }),
  bb('nl -ba', ['nl', '-ba', '-w3', '-s', ') '], { stdin: text }),
  bb('paste', ['paste', 'a', 'b'], { files: { a: '1\n2\n3\n', b: 'x\ny\n' } }),
  bb('paste -s -d', ['paste', '-s', '-d', ',', 'a'], { files: { a: '1\n2\n3\n' } }),
  bb('expand', ['expand', '-t', '4'], { stdin: 'a\tb\tc\n\tx\n12345\ty\n' }),
  bb('unexpand', ['unexpand', '-a'], { stdin: 'a       b       c\n        x\n' }),
  bb('dos2unix', ['dos2unix'], { stdin: 'a\r\nb\r\nc\n' }),
  bb('tee', ['tee', 'out.txt'], { stdin: 'tee me\n' }),
  bb('ls -1', ['ls', '-1', 'd'], { files: { 'd/b': '', 'd/a': '', 'd/c.txt': '' } }),
  bb('stat -c', ['stat', '-c', '%s %n %F', 'a.txt'], { files: { 'a.txt': text } }),
  bb('cmp differ', ['cmp', 'a', 'b'], { files: { a: 'hello world\n', b: 'hello there\n' } }),
  // one variable: qemu-user reverses the order of the environment it passes to the guest
  bb('env', ['env'], { env: { A: 'one two' } }),
  bb('getopt', ['getopt', '-o', 'ab:c', '--long', 'long:', '--', '-a', '-b', 'x', '--long=y', 'rest', '-c']),
  bb('uname', ['uname', '-s', '-m']),
  bb('uname -a', ['uname', '-a']),
  bb('id', ['id']),
  bb('id -G', ['id', '-G']),
  bb('id -un', ['id', '-un']),
  bb('whoami', ['whoami']),
  bb('hostname', ['hostname']),
  // the host's resource limits, I/O priority and login uid (qemu-user passes them through)
  sh('ulimit -a', 'ulimit -a'),
  bb('ionice', ['ionice']),
  bb('logname', ['logname']),
  bb('ls -l tree', ['ls', '-l', tree]),
  bb('ls -l --full-time tree', ['ls', '-l', '--full-time', tree]),
  bb('ls -lni tree', ['ls', '-lni', tree]),
  bb('ls -lR tree', ['ls', '-lR', tree]),
  bb('ls -lL', ['ls', '-lL', ...inTree('symlink', 'plain.txt')]),
  bb('ls -ld host', ['ls', '-ld', '/', '/etc', '/etc/passwd', '/bin']),
  bb('stat tree', ['stat', ...inTree('plain.txt', 'big.bin', 'setuid', 'setgid', 'private', 'hardlink', 'symlink', 'dangling', 'sticky', 'sub', 'fifo', '.')]),
  bb('stat -L', ['stat', '-L', ...inTree('symlink')]),
  bb('stat -t', ['stat', '-t', ...inTree('plain.txt', 'sticky', 'symlink')]),
  bb('stat -c all', ['stat', '-c', '%a %A %b %B %d %D %f %F %g %G %h %i %N %o %s %t %T %u %U %x %X %y %Y %z %Z %n', ...inTree('plain.txt', 'symlink', 'sticky', 'fifo')]),
  bb('stat -f', ['stat', '-f', '-c', '%t %T %s %S %l %b %c %n', '/', tree, '/proc', '/dev']),
  bb('stat devices', ['stat', '-c', '%A %F %t %T %u %g %n', '/dev/null', '/dev/zero', '/dev/urandom']),
  bb('find -newer', ['find', tree, '-newer', `${tree}/plain.txt`]),
  bb('find ! -newer', ['find', tree, '!', '-newer', `${tree}/big.bin`, '-type', 'f']),
  bb('find -perm -type -links', ['find', tree, '(', '-perm', '-4000', '-o', '-perm', '-1000', '-o', '-type', 'l', '-o', '-type', 'p', '-o', '-links', '2', ')']),
  bb('find -user -size -mtime', ['find', tree, '-user', 'root', '-size', '+10k', '-mtime', '+100']),
  bb('test -u -k -p -L', ['sh', '-c', `cd ${tree} && test -u setuid && test -g setgid && test -k sticky && test -p fifo && test -L symlink && test ! -L plain.txt && test -x setuid && test -r private && test -w private && test setuid -ot plain.txt && test plain.txt -ef hardlink && echo all true`]),
  bb('date -u -d @', ['date', '-u', '-d', '@1700000000', '+%Y-%m-%d %H:%M:%S %j %a %b']),
  bb('cal', ['cal', '2', '2024']),
  bb('sleep', ['sleep', '0.01']),
  // sed
  bb('sed -n 2,3p', ['sed', '-n', '2,3p', 'a.txt'], { files: { 'a.txt': text } }),
  bb('sed s///g', ['sed', 's/o/0/g'], { stdin: text }),
  bb('sed regex groups', ['sed', 's/\\([a-z]*\\) \\([a-z]*\\)/\\2 \\1/'], { stdin: text }),
  bb('sed -E', ['sed', '-E', 's/(o+)([a-z])/[\\1|\\2]/g; s/^T/t/'], { stdin: text }),
  bb('sed delete', ['sed', '-e', '/^#/d', '-e', '/^$/d'], { stdin: text }),
  bb('sed N join', ['sed', '$!N;s/\\n/ + /'], { stdin: text }),
  bb('sed y', ['sed', 'y/abc/xyz/'], { stdin: text }),
  bb('sed ranges', ['sed', '-n', '/quick/,/Fox/{=;p}'], { stdin: text }),
  bb('sed hold', ['sed', '-n', '1!G;h;$p'], { stdin: text }),
  bb('sed a i c', ['sed', '2a\\\nafter\n3i\\\nbefore\n5c\\\nchanged'], { stdin: text }),
  bb('sed bad regex', ['sed', 's/\\(/x/'], { stdin: text }),
  // awk
  bb('awk BEGIN', ['awk', 'BEGIN { x = 3; y = x * 2.5; printf "%d %.3f %s %5s|\\n", x, y, x y, "ab"; print length("hello"), substr("hello", 2, 3), index("hello", "l") }']),
  bb('awk fields', ['awk', '{ print NR": "$2, $1, NF }'], { stdin: text }),
  bb('awk -F', ['awk', '-F:', '$3 >= 1 && $3 < 4 { printf "%-8s %4d %s\\n", $1, $3, $NF }', 'p'], { files: { p: table } }),
  bb('awk arrays', ['awk', '{ for (i = 1; i <= NF; i++) n[$i]++ } END { for (w in n) if (n[w] > 1) k++; print k; print n["foo"], n["the"] }'], { stdin: text }),
  bb('awk functions', ['awk', 'function fib(n) { return n < 2 ? n : fib(n-1) + fib(n-2) } BEGIN { for (i = 0; i < 20; i++) printf "%d ", fib(i); print "" }']),
  bb('awk string funcs', ['awk', '{ s = $0; n = gsub(/o/, "0", s); split($0, a, " "); print n, s, a[1], toupper($1), tolower($2), sprintf("%c%c", 65, 66) }'], { stdin: text }),
  bb('awk numbers', ['awk', 'BEGIN { printf "%d %d %.17g %d\\n", int(-3.7), 2 * 2147483648 + 1, 0.1 + 0.2, -7 % 3; print 1/3, 1e300 * 1e300, -1e300 * 1e300, 100000 * 100000, 0.000001, 123456789012 }']),
  bb('awk no libm', ['awk', 'BEGIN { print sin(1) }']),
  bb('awk match', ['awk', 'match($0, /[A-Z][a-z]+/) { print RSTART, RLENGTH, substr($0, RSTART, RLENGTH) } /^$/ { print "empty at " NR }'], { stdin: text }),
  bb('awk sum big', ['awk', '{ s += $1; if ($1 > m) m = $1 } END { print s, m, NR, s / NR }'], { stdin: big }),
  bb('awk getline printf %c', ['awk', 'BEGIN { while ((getline line < "p") > 0) n++; print n; printf "%c|%5.1e|%x|%o\\n", "xyz", 12345.678, 255, 8 }'], { files: { p: table } }),
  bb('awk div zero', ['awk', 'BEGIN { print 1 / 0 }']),
  // grep
  bb('grep -E', ['grep', '-E', '(fox|dog)$', 'a.txt'], { files: { 'a.txt': text } }),
  bb('grep -c', ['grep', '-c', 'o'], { stdin: text }),
  bb('grep -v', ['grep', '-v', 'o'], { stdin: text }),
  bb('grep -n -i', ['grep', '-n', '-i', 'the quick'], { stdin: text }),
  bb('grep -o -w', ['grep', '-o', '-w', 'foo'], { stdin: text }),
  bb('grep none', ['grep', 'zzz'], { stdin: text }),
  bb('grep -F multi', ['grep', '-F', '-e', 'lazy', '-e', 'baz', 'a.txt', 'b.txt'], { files: { 'a.txt': text, 'b.txt': 'baz\n' } }),
  // od, checksums, encodings
  bb('od -c', ['od', '-c'], { stdin: 'hi\tthere\n\x01\x7f' }),
  bb('od -An -tx1', ['od', '-An', '-tx1'], { stdin: text.slice(0, 40) }),
  bb('od -t d2 x4', ['od', '-t', 'd2', '-t', 'x4'], { stdin: 'abcdefghijklmnop' }),
  bb('xxd', ['xxd'], { stdin: text.slice(0, 50) }),
  bb('hexdump -C', ['hexdump', '-C', 'a.txt'], { files: { 'a.txt': text } }),
  bb('md5sum', ['md5sum', 'a.txt', '-'], { files: { 'a.txt': text }, stdin: big }),
  bb('sha1sum', ['sha1sum'], { stdin: big }),
  bb('sha256sum', ['sha256sum', 'a.txt'], { files: { 'a.txt': text } }),
  bb('sha512sum', ['sha512sum'], { stdin: big }),
  bb('sha3sum', ['sha3sum'], { stdin: text }),
  bb('md5sum -c', ['md5sum', '-c', 'sums'], { files: { 'a.txt': text, 'b.txt': 'tampered\n', sums: '69b5a95d193b1358dd10bd86fca5b437  a.txt\nc9a9a7e4ac1b9e5aa1f0cbd3da4e8e1a  b.txt\n' } }),
  bb('crc32', ['crc32', 'a.txt'], { files: { 'a.txt': text } }),
  bb('base64', ['base64'], { stdin: big.slice(0, 500) }),
  bb('base64 -d', ['base64', '-d'], { stdin: Buffer.from(text).toString('base64') }),
  bb('uuencode -m', ['uuencode', '-m', 'name'], { stdin: text }),
  bb('gunzip -c', ['gunzip', '-c', 'a.gz'], { files: { 'a.gz': gzipSync(big) } }),
  bb('gzip | gunzip -t', ['gunzip', '-t', 'a.gz'], { files: { 'a.gz': gzipSync(text) } }),
  bb('strings', ['strings', '-n', '3', 'b'], { files: { b: new Uint8Array([0, 1, 104, 105, 106, 0, 2, 3, 97, 98, 0, 120, 121, 122, 119, 10]) } }),
  // calculators
  bb('dc -e', ['dc', '-e', '2 3 + p 10 3 / p 2 16 ^ p']),
  bb('dc stdin', ['dc'], { stdin: '10 k 2 v p 1 3 / p 17 5 % p\n' }),
  bb('bc -l', ['bc', '-l'], { stdin: 'scale=20\n4*a(1)\ne(1)\nl(2)\nsqrt(2)\ns(1)+c(1)\n' }),
  bb('bc functions', ['bc'], { stdin: 'define f(n) { if (n < 2) return 1; return n * f(n - 1); }\nf(25)\n2^100\n123456789 % 97\nfor (i = 0; i < 5; i++) i * i\n' }),
  bb('factor', ['factor', '360', '1001', '2147483647', '600851475143', '1']),
  bb('ipcalc', ['ipcalc', '-n', '-b', '-m', '192.168.17.10/21']),
  // ed
  bb('ed', ['ed', 'a.txt'], { files: { 'a.txt': text }, stdin: ',p\n2d\n1,3p\n$a\nappended\n.\n,p\nq\n' }),
  // busybox ash, no fork: functions, loops, arithmetic, case, parameter expansion, read, test
  sh('functions', 'f() { echo "f:$1:$#"; return 3; }; f a b; echo "status $?"; g() { local x=$1; x=$((x * 2)); echo $x; }; g 21'),
  sh('recursion', 'fact() { if [ $1 -le 1 ]; then r=1; else fact $(( $1 - 1 )); r=$(( r * $1 )); fi; }; fact 10; echo $r'),
  sh('loops', 'i=0; while [ $i -lt 5 ]; do i=$((i + 1)); [ $i = 3 ] && continue; printf "%s " $i; done; echo; for w in a b "c d"; do echo "[$w]"; done; until [ $i -eq 0 ]; do i=$((i-1)); done; echo $i'),
  sh('arithmetic', 'echo $((7 * 6)) $((17 / 5)) $((17 % 5)) $((-17 / 5)) $((1 << 40)) $((0x1f + 010)) $((3 > 2 && 2 > 3)) $((x = 5, x += 2, x * 3)) $((~5 ^ 3)) $((2 ** 10))'),
  sh('case', 'for v in apple banana cherry 42 ""; do case $v in a*) echo "A $v";; b*|c*) echo "BC $v";; [0-9]*) echo num;; *) echo other;; esac; done'),
  sh('parameter expansion', 'x=/usr/local/lib/libfoo.so.1; echo ${x#*/} ${x##*/} ${x%.*} ${x%%.*} ${#x}; unset u; echo ${u:-def} ${u-d2} ${x:+set} ${u:=assigned} $u; echo ${x:5:5} ${x/lib/LIB} ${x//lib/LIB}'),
  sh('set -- shift', 'set -- one "two three" four; echo $#; shift; echo "$1|$2|$#"; set -- "$@" five; for a; do echo "<$a>"; done; echo "$*"'),
  sh('printf builtin', 'printf "%s|%5d|%-5s|%x|%c\\n" str 42 ab 255 xyz; printf "%03d\\n" 1 2 3; printf "%.3f %e\\n" 3.14159265 0.000123'),
  sh('read', 'while read -r a b; do echo "a=$a b=$b"; done; echo end', { stdin: 'one two three\nfour\n  five  six\n' }),
  sh('read IFS', 'IFS=: read -r user pw uid rest; echo "$user/$uid/$rest"', { stdin: table }),
  sh('test and [', 'for n in 1 5 10; do if [ $n -gt 3 ] && [ $n -lt 8 ]; then echo mid $n; elif test $n -ge 10; then echo big; else echo small; fi; done; [ -z "" ] && echo empty; [ abc != abd ] && echo ne; [ -n x -a 1 -eq 1 ] && echo and; [ ! -e /nonexistent ] && echo noent'),
  sh('exit status', 'f() { return 7; }; f; echo $?; false || echo or; true && echo and; ! false && echo not; exit 3'),
  sh('eval and vars', 'a=1; b=a; eval "echo \\$$b"; eval "c_$a=val"; echo $c_1; export X=1; readonly R=2; echo $R; R=3 || echo ro'),
  sh('here-doc', 'cat_() { while read -r l; do echo "> $l"; done; }; cat_ <<EOF\nline one\nline $((1+1))\nEOF'),
  sh('redirections', 'echo out > f.txt; echo more >> f.txt; while read l; do echo "got $l"; done < f.txt; echo err >&2; { echo grouped; echo also; } > g.txt; read first < g.txt; echo $first'),
  sh('syntax error', 'if then fi'),
  sh('unknown command', 'nonexistent_cmd_xyz; echo after $?'),
];
