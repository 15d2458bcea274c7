// bash-static `-c` scripts (test/real/bash.test.ts) that need no fork (no $(…), pipes or external
// commands). Each runs with LANG=C.UTF-8 (as on a real Debian machine) and without any locale.
// Expectations come from qemu-aarch64 at test time, never from this file.
import type { RealCase } from '../../helpers/real.ts';

const scripts: [name: string, script: string, stdin?: string, knownBug?: string][] = [
  ['echo and printf', 'echo hello world; printf "%s=%d %5.2f %x %o %c|%-4s|%05d|%e|%q\\n" a 42 3.14159 255 8 z ab -42 12345.678 "a b\'c"'],
  ['printf -v', 'printf -v out "%03d-%s" 7 seven; echo "[$out]"; printf -v arr[2] "%x" 255; echo "${arr[2]}"; printf "%s\\n" "${#out}"'],
  ['arithmetic', 'echo $((7 * 6)) $((17 / 5)) $((17 % 5)) $((-17 / 5)) $((1 << 62)) $((0x1f + 010 + 2#101)) $((2 ** 40)) $((x = 5, x += 2, x * 3)) $((~5 ^ 3)); (( y = 10, y-- )); echo $y; let "z = y * 2" "w = z / 3"; echo $z $w; echo $(( 9223372036854775807 + 1 )) $(( -9223372036854775807 - 1 ))'],
  ['arithmetic errors', 'echo $(( 1 / 0 )); echo unreachable'],
  ['indexed arrays', 'a=(zero one "two three" four); echo ${#a[@]} ${a[2]} ${a[-1]}; a+=(five); a[10]=ten; echo "${!a[@]}"; echo "${a[@]:1:2}"; unset "a[1]"; for x in "${a[@]}"; do printf "<%s>" "$x"; done; echo; declare -p a'],
  ['associative arrays', 'declare -A h=([one]=1 [two]=2); h[three]=3; h[one]=uno; for k in one two three four; do echo "$k=${h[$k]-unset}"; done; echo ${#h[@]}; [[ -v h[two] ]] && echo has-two; unset "h[two]"; [[ -v h[two] ]] || echo no-two'],
  ['parameter expansion', 'x=/usr/local/lib/libfoo.so.1; echo ${x#*/} ${x##*/} ${x%.*} ${x%%.*} ${#x}; echo ${x:5:5} ${x: -4} ${x/lib/LIB} ${x//lib/LIB} ${x/#\\/usr/U} ${x/%1/one}; s="Hello World"; echo ${s^^} ${s,,} ${s^} ${s~~}; unset u; echo ${u:-def} ${u-d2} ${x:+set} ${u:=assigned} $u; v1=a v2=b; echo ${!v*}; ref=s; echo ${!ref}; declare -n nr=s; echo $nr'],
  ['string ops', 's="The quick brown fox"; echo ${#s}; for ((i = 0; i < ${#s}; i += 4)); do printf "[%s]" "${s:i:4}"; done; echo; w=($s); echo ${#w[@]} ${w[3]}; IFS=, read -r a b c <<< "x,y,z"; echo "$c$b$a"; t="  pad  "; echo "<${t// /}>"; echo ${s@Q} ${s@U}'],
  ['brace expansion and globs off', 'echo {1..5} {a..e..2} x{A,B,C}y {05..10..2}; set -f; echo *; set +f; shopt -s extglob; f=foo.tar.gz; echo ${f%%+(.*)} ${f/@(tar|zip)/ZIP}'],
  ['functions and recursion', 'fib() { local n=$1; if (( n < 2 )); then ret=$n; return; fi; fib $((n - 1)); local a=$ret; fib $((n - 2)); ret=$((a + ret)); }; fib 18; echo $ret; depth() { (( $1 == 0 )) && { echo bottom; return; }; depth $(( $1 - 1 )); }; depth 20'],
  ['local and dynamic scope', 'x=global; f() { local x=f; g; }; g() { echo "g sees $x"; x=changed; }; f; echo $x; h() { declare -g y=fromh; local -i n=3+4; echo $n; }; h; echo $y'],
  ['read', 'while IFS= read -r line; do echo "<$line>"; done; echo end', '  indented\tline\none\n\nlast no newline'],
  ['read -a and -d', 'read -r -a parts; echo ${#parts[@]} ${parts[1]}; read -r -d ";" a; echo "[$a]"; read -r -n 3 b; echo "[$b]"; read -r rest; echo "[$rest]"', 'alpha beta gamma\nfirst;second\nthird line\n'],
  ['mapfile', 'mapfile -t lines; echo ${#lines[@]}; printf "%s|" "${lines[@]}"; echo; mapfile -t -s 1 -n 2 two <<< $\'x\\ny\\nz\'; echo ${#two[@]} ${two[1]}', 'a\nb\nc\nd\n'],
  ['mapfile < /dev/stdin', 'mapfile -t -s 1 -n 2 two < /dev/stdin; echo ${#two[@]}', 'a\nb\nc\nd\n'],
  // bash's read leaves fd 0 after the line; /dev/stdin opens the file again, from its start
  ['read, then < /dev/stdin', 'read a; mapfile -t rest < /dev/stdin; echo "$a ${#rest[@]} ${rest[0]}"', 'a\nb\nc\nd\n'],
  // > /dev/stdout truncates the stdout file and writes from its start; fd 1 keeps its offset
  ['> /dev/stdout', 'echo one; echo two > /dev/stdout; echo three; echo four >> /dev/stderr'],
  ['trap EXIT', "trap 'echo bye \"$?\"' EXIT; echo working; exit 5"],
  ['trap ERR and RETURN', "set -E; trap 'echo \"err at $LINENO\"' ERR; f() { false; echo in-f; }; f; trap - ERR; trap 'echo returning' RETURN; g() { :; }; g; echo done"],
  ['[[ ]] regex', 'for s in "2024-02-29" "1999-1-1" "abc-12-34"; do if [[ $s =~ ^([0-9]{4})-([0-9]{2})-([0-9]{2})$ ]]; then echo "date ${BASH_REMATCH[1]}/${BASH_REMATCH[2]}/${BASH_REMATCH[3]}"; else echo "no: $s"; fi; done; [[ foobar == f*r ]] && echo glob; [[ abc < abd ]] && echo lt; [[ -n $s && ! -z $s ]] && echo nonempty'],
  ['case and loops', 'for v in apple banana cherry 42 ""; do case $v in a*) echo "A $v";; b*|c*) echo "BC $v"; ;& 4*) echo fallthrough;; [0-9]*) echo num;; *) echo other;; esac; done; i=0; while :; do ((i++)); ((i > 5)) && break; ((i % 2)) && continue; echo even $i; done; for ((j = 3; j > 0; j--)); do echo -n "$j "; done; echo'],
  ['set -- shift getopts', 'set -- -a -b val -c rest args; while getopts "ab:c" opt; do echo "opt $opt ${OPTARG-}"; done; shift $((OPTIND - 1)); echo "$# $*"; set -- "x y" z; echo "$#|$1|$@"'],
  ['set -u error', 'set -u; echo start; echo "$undefined_var"; echo never'],
  ['set -e', 'set -e; f() { echo f; return 2; }; f || echo handled; echo before; false; echo never'],
  ['declare attributes', 'declare -i n=5; n+=10; echo $n; declare -u up=hello; echo $up; declare -l low=WORLD; echo $low; declare -r ro=1; ro=2; echo after; declare -a arr=(3 1 2); declare -p n up arr'],
  ['heredoc and herestring', 'cat_() { while IFS= read -r l; do echo "> $l"; done; }; cat_ <<EOF\nline one\nx=$((6 * 7))\nEOF\ncat_ <<< "here string"; cat_ <<-"END"\n\tnot $expanded\n\tEND'],
  ['redirections and fds', 'echo out > f.txt; echo more >> f.txt; exec 3< f.txt; read -u 3 a; read -u 3 b; exec 3<&-; echo "$a+$b"; { echo to-err >&2; echo to-out; } 2>&1; echo err2 1>&2'],
  ['utf-8 strings', 's="héllo wörld ✓"; echo ${#s}; echo ${s^^}; echo ${s:1:3}; printf "%s|%5s|\\n" "é" "ö"; [[ $s == *ö* ]] && echo found; x=$\'\\u00e9\\u2713\'; echo "$x" ${#x}'],
  ['printf %q and quoting', 'printf "%q\\n" "it\'s" "a b" $\'tab\\there\' ""; printf "%(%Y)T\\n" 0 2>/dev/null || true; x=\'$HOME `x` "q"\'; echo "$x"; echo ${x@Q}'],
  ['builtins', 'type echo cd; command -v printf; help -d echo; echo $BASH_VERSINFO; hash -r; shopt -q extglob && echo on || echo off; umask 0022; umask; echo ${#PATH} > /dev/null; true'],
  ['eval and indirection', 'a=1; b=a; eval "echo \\$$b"; eval "c_$a=val"; echo $c_1; for v in x y; do eval "$v=\\$v-value"; done; echo $x $y'],
  ['exit status', 'f() { return 7; }; f; echo $?; false || echo or; true && echo and; ! false && echo not; echo ${PIPESTATUS[0]}; exit 300'],
  ['syntax error', 'if then fi'],
];

export const cases: RealCase[] = scripts.flatMap(([name, script, stdin, knownBug]) => [
  { name: `${name} [LANG=C.UTF-8]`, args: ['-c', script], env: { LANG: 'C.UTF-8' }, stdin, knownBug },
  { name: `${name} [no locale]`, args: ['-c', script], stdin, knownBug },
]);
