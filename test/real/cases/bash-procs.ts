// bash-static `-c` scripts that need processes (test/procs.test.ts): subshells, $(…), pipelines,
// process substitution, coprocesses, background jobs and wait, signals between processes.
// bash runs external commands through PATH and /bin/* here are the host's own (x86-64) programs,
// which qemu would run natively and we cannot: external commands are Debian's arm64 busybox by
// absolute path ($BB), an exec of another AArch64 executable than the shell itself.
// Expectations come from qemu-aarch64 at test time, never from this file.
import { join } from 'node:path';
import { DEBIAN_BIN, type RealCase } from '../../helpers/real.ts';

const env = { BB: join(DEBIAN_BIN, 'busybox') };

const scripts: [name: string, script: string, stdin?: string][] = [
  ['subshells', '(x=in; echo "sub $x"; exit 4); echo "status $? x=${x-unset}"; ( (echo nested; exit 2) ); echo "status $?"; y=outer; (y=changed); echo $y'],
  ['$(…)', 'echo $(echo a; echo b) "$(printf "%s\\n" c d)"; x=$(printf %s abc); echo ${#x}; n=$(exit 5); echo "status $?"; echo $(echo $(echo nested))'],
  ['pipelines of builtins and functions', 'f() { while read -r l; do echo "<$l>"; done; }; printf "1\\n2\\n3\\n" | f | f; echo last | { read v; echo "read $v"; }'],
  ['PIPESTATUS and pipefail', 'true | false | (exit 3); echo "${PIPESTATUS[@]}"; set -o pipefail; false | true; echo "pipefail $?"; shopt -s lastpipe; set +m; echo hi | read z; echo "lastpipe ${z-unset}"'],
  ['process substitution', 'while read -r l; do echo "got $l"; done < <(printf "a\\nb\\n"); read -r one < <(echo first); echo $one; echo <(true); f() { local n=0; while read -r _; do ((n++)); done < "$1"; echo "$n lines"; }; f <(printf "1\\n2\\n3\\n")'],
  ['process substitution for output', 'exec 3> >(while read -r l; do echo "out: $l"; done); echo to-substitution >&3; exec 3>&-; wait $!; echo after'],
  ['coproc', 'coproc { read -r x; echo "co:$x"; }; echo hi >&"${COPROC[1]}"; read -r y <&"${COPROC[0]}"; echo "$y"; wait $COPROC_PID; echo "status $?"'],
  // `wait -n` on a job that already ended and was reaped gives 127, on one still running its status:
  // the child sleeps so that the outcome does not depend on which process the host runs first
  ['background jobs and wait', '(exit 7) & p=$!; wait $p; echo "status $?"; for i in 1 2 3; do (exit $i) & done; wait; echo "all done $?"; ("$BB" sleep 0.3; exit 9) & wait -n $!; echo "wait -n $?"'],
  ['wait for each in order', 'for i in 1 2 3; do (exit $((i * 10))) & pids+=($!); done; for p in "${pids[@]}"; do wait $p; echo "status $?"; done'],
  ['external commands (busybox)', '"$BB" seq 3 | "$BB" tac; x=$("$BB" echo via-exec); echo "$x"; "$BB" sh -c "exit 6"; echo "status $?"; "$BB" printf "%s\\n" b a | "$BB" sort'],
  ['exec in a subshell', '( exec "$BB" echo replaced ); echo "status $?"; (exec "$BB" false); echo "status $?"; ( exec /nonexistent/prog ); echo "status $?"'],
  // bash reports a job killed by a signal with its pid, on stderr: not compared
  ['killed children', 'exec 2>/dev/null; "$BB" sleep 10 & kill -9 $!; wait $!; echo "status $?"; (kill -TERM $BASHPID); echo "status $?"; "$BB" sh -c "kill -USR1 \\$\\$"; echo "status $?"'],
  // the shell computes without waiting while its child's image loads (asynchronous work) and then
  // sleeps: the child must still run, and its signal end the loop
  ['a signal from a child ends a busy loop', 'trap "echo got USR1; exit 0" USR1; ("$BB" sleep 0.5; kill -USR1 $$) & i=0; while ((i < 100000000)); do ((i++)); done; echo "loop ended"'],
  ['trap and kill between processes', 'trap "echo got USR1" USR1; (kill -USR1 $$); echo after; trap "echo child TERM; exit 3" TERM; (trap "echo in subshell; exit 4" TERM; kill -TERM $BASHPID); echo "status $?"'],
  ['SIGPIPE in a pipeline', '"$BB" yes | "$BB" head -n 2; echo "${PIPESTATUS[@]}"; (while :; do echo y; done) | "$BB" head -n 1; echo "${PIPESTATUS[@]}"'],
  ['$BASHPID and $$', 'echo $(( $$ == BASHPID )); (echo $(( $$ == BASHPID ))); echo $( (( $$ == BASHPID )) && echo same || echo differs)'],
  ['redirections across fork', '{ echo one; (echo two); "$BB" echo three; } > f.txt; "$BB" cat f.txt; echo four >> f.txt; (echo five >> f.txt); "$BB" wc -l < f.txt'],
  ['here-doc to an external command', '"$BB" tr a-z A-Z <<EOF\nhello $((6 * 7))\nEOF\n"$BB" wc -c <<< "here string"'],
  ['stdin to a pipeline', '"$BB" sort | "$BB" uniq -c', 'b\na\nb\nc\na\nb\n'],
];

export const cases: RealCase[] = scripts.map(([name, script, stdin]) => ({ name, args: ['-c', script], env, stdin }));
