// zsh-static `-c` scripts (test/real/zsh.test.ts) that need no fork (no $(…), pipes or external
// commands). Each runs with LANG=C.UTF-8 (as on a real Debian machine) and without any locale.
// Expectations come from qemu-aarch64 at test time, never from this file.
import type { RealCase } from '../../helpers/real.ts';

const scripts: [name: string, script: string, stdin?: string, files?: Record<string, string>, knownBug?: string][] = [
  ['echo print printf', 'echo hello world; print -r -- "-n raw\\t"; print -l one two three; printf "%s=%d %5.2f %x %o|%-4s|%05d|%e\\n" a 42 3.14159 255 8 ab -42 12345.678; print -f "%s-%s\\n" 1 2 3 4'],
  ['printf -v', 'printf -v out "%03d-%s" 7 seven; echo "[$out]"; printf -v "h" "%x" 255; echo $h'],
  ['integer arithmetic', 'echo $((7 * 6)) $((17 / 5)) $((17 % 5)) $((-17 / 5)) $((1 << 62)) $((0x1f + 2#101 + 16#ff)) $((2 ** 40)) $((x = 5, x += 2, x * 3)) $((~5 ^ 3)); (( y = 10, y-- )); echo $y; integer i=7; (( i *= 6 )); echo $i; echo $(( 9223372036854775807 + 1 ))'],
  ['float arithmetic', 'echo $(( 1.5 * 2 )) $(( 10 / 4.0 )) $(( 1e3 + 0.5 )) $(( 2 ** 0.5 )); float f=3.25; (( f *= 2 )); echo $f; typeset -F 3 g=2; echo $g; typeset -E 4 e=12345.678; echo $e; echo $(( 0.1 + 0.2 )) $(( 1.0 / 3 ))'],
  ['arithmetic error', 'echo $(( 1 / 0 )); echo unreachable'],
  ['arrays', 'a=(zero one "two three" four); echo ${#a} $a[1] $a[3] $a[-1]; a+=(five); a[10]=ten; echo ${#a}; echo ${a[2,3]}; print -l "${(@)a[1,4]}"; b=(3 1 2 10); echo ${(o)b} ${(On)b} ${(j:,:)b}; echo ${b[(i)2]} ${b[(r)1*]}; typeset -p b'],
  ['associative arrays', 'typeset -A h; h=(one 1 two 2); h[three]=3; h[one]=uno; for k in one two three four; do echo "$k=${h[$k]-unset}"; done; echo ${#h}; print -l ${(ko)h}; print -l ${(kv)h[(I)t*]}; (( ${+h[two]} )) && echo has-two; unset "h[two]"; (( ${+h[two]} )) || echo no-two'],
  ['parameter expansion', 'x=/usr/local/lib/libfoo.so.1; echo ${x#*/} ${x##*/} ${x%.*} ${x%%.*} ${#x}; echo ${x:5:5} ${x/lib/LIB} ${x//lib/LIB} ${x:t} ${x:h} ${x:e} ${x:r}; s="Hello World"; echo ${(U)s} ${(L)s} ${(C)s} ${s:u}; unset u; echo ${u:-def} ${u-d2} ${x:+set} ${u:=assigned} $u; echo ${(s:/:)x}; echo ${#${(s:/:)x}}; ref=s; echo ${(P)ref}'],
  ['string ops', 's="The quick brown fox"; echo ${#s}; for (( i = 1; i <= ${#s}; i += 4 )); do printf "[%s]" "${s[i,i+3]}"; done; echo; w=(${=s}); echo ${#w} $w[4]; echo "${(r:10::.:)w[1]}|${(l:10::.:)w[2]}|"; echo ${s[(w)2]}; echo ${(qq)s}; echo ${s//(#m)[aeiou]/<$MATCH>}'],
  ['functions and recursion', 'fib() { local n=$1; if (( n < 2 )); then ret=$n; return; fi; fib $((n - 1)); local a=$ret; fib $((n - 2)); ret=$((a + ret)); }; fib 18; echo $ret; depth() { (( $1 == 0 )) && { echo bottom; return 3; }; depth $(( $1 - 1 )); }; depth 20; echo $?; function f2 { echo "args: $# $*"; }; f2 a "b c"'],
  ['local scope', 'x=global; f() { local x=f; g; }; g() { echo "g sees $x"; x=changed; }; f; echo $x; h() { typeset -g y=fromh; local -i n=3+4; echo $n; }; h; echo $y'],
  ['read', 'while IFS= read -r line; do echo "<$line>"; done; echo end', '  indented\tline\none\n\nlast no newline'],
  ['read -A and -k', 'read -r -A parts; echo ${#parts} $parts[2]; read -r -u 0 -k 3 b; echo "[$b]"; read -r rest; echo "[$rest]"; read -r -d ";" a; echo "[$a]"', 'alpha beta gamma\nthird line\nfirst;second\n'],
  ['trap EXIT', "trap 'echo bye' EXIT; echo working; exit 5"],
  ['TRAPEXIT and function traps', "TRAPZERR() { echo zerr $?; }; false; f() { trap 'echo leaving f' EXIT; echo in f; }; f; echo after"],
  ['[[ ]] patterns', 'setopt extendedglob; for s in "2024-02-29" "1999-1-1"; do if [[ $s == (#b)([0-9](#c4))-([0-9](#c2))-([0-9](#c2)) ]]; then echo "date $match[1]/$match[2]/$match[3]"; else echo "no: $s"; fi; done; [[ foobar == f*r ]] && echo glob; [[ abc < abd ]] && echo lt; [[ FOO == (#i)foo ]] && echo icase; [[ ab12 == (#b)([a-z]##)([0-9]##) ]] && echo $match[2] $mbegin[2]'],
  ['regex module missing', '[[ ab12 =~ ([a-z]+)([0-9]+) ]] && echo $match[2]; echo status $?'],
  ['case and loops', 'for v in apple banana 42 ""; do case $v in (a*) echo "A $v";; (b*) echo "B $v";& (4*) echo fall;; ([0-9]*) echo num;; (*) echo other;; esac; done; i=0; while true; do ((i++)); ((i > 5)) && break; ((i % 2)) && continue; echo even $i; done; for j in {3..1}; do echo -n "$j "; done; echo; repeat 3 echo -n x; echo; for k v in a 1 b 2; do echo $k=$v; done'],
  ['globbing', 'print -l *.txt; print -l **/*(.); print -l *(/); echo *.nomatch(N) none; setopt extendedglob; print -l ^*.txt(.); print -l (a|c)*', undefined, { 'a.txt': 'a', 'b.txt': 'b', 'c.log': 'c', 'sub/d.txt': 'd' }],
  ['set -- shift getopts', 'set -- -a -b val -c rest args; while getopts "ab:c" opt; do echo "opt $opt $OPTARG"; done; shift $((OPTIND - 1)); echo "$# $*"; argv=(x "y z"); echo $#: $2'],
  ['errors', 'setopt errexit; echo before; false; echo never'],
  ['nounset', 'setopt nounset; echo start; echo $undefined_var; echo never'],
  ['heredoc and herestring', 'cat_() { while IFS= read -r l; do echo "> $l"; done; }; cat_ <<EOF\nline one\nx=$((6 * 7))\nEOF\ncat_ <<< "here string"'],
  ['redirections', 'echo out > f.txt; echo more >> f.txt; exec 3< f.txt; read -u 3 a; read -u 3 b; exec 3<&-; echo "$a+$b"; { echo to-err >&2; echo to-out; } 2>&1; echo err2 >&2'],
  ['utf-8 strings', 's="héllo wörld ✓"; echo ${#s}; echo ${(U)s}; echo ${s[2,4]}; printf "%s|%5s|\\n" "é" "ö"; [[ $s == *ö* ]] && echo found; x=$\'\\u00e9\\u2713\'; echo "$x" ${#x}'],
  ['builtins', 'whence -w echo cd print; type printf; echo $ZSH_VERSION; emulate -L sh; echo ${ZSH_NAME:-}; umask 0022; umask; true'],
  ['eval and indirection', 'a=1; b=a; eval "echo \\$$b"; eval "c_$a=val"; echo $c_1; for v in x y; do eval "$v=\\$v-value"; done; echo $x $y'],
  ['exit status', 'f() { return 7; }; f; echo $?; false || echo or; true && echo and; ! false && echo not; exit 300'],
  ['syntax error', 'if then fi'],
  ['unclosed function', 'echo before; f() { echo x'],
];

export const cases: RealCase[] = scripts.flatMap(([name, script, stdin, files, knownBug]) => [
  { name: `${name} [LANG=C.UTF-8]`, args: ['-c', script], env: { LANG: 'C.UTF-8' }, stdin, files, knownBug },
  { name: `${name} [no locale]`, args: ['-c', script], stdin, files, knownBug },
]);
