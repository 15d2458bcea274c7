// busybox `sh -c` scripts that need processes (test/procs.test.ts): pipelines, $(…), xargs,
// find -exec, tar and gzip through pipes, background jobs, wait, kill, SIGPIPE. Every applet is
// busybox's own: its sh forks for a pipeline stage or a subshell and, for an applet that is not
// NOFORK/NOEXEC, execs /proc/self/exe with argv[0] the applet's name (never /bin/<applet>, and
// without PATH, as here). Output is deterministic: no pids, times or directory order (find and tar
// listings are sorted). Expectations come from qemu-aarch64 at test time, never from this file.
import type { RealCase } from '../../helpers/real.ts';

const words = 'the cat and the dog and the bird\nthe end of the cat\n';
const files = { 'a.txt': 'alpha\nbeta\n', 'b.txt': 'gamma\n', 'sub/c.txt': 'delta\nepsilon\nzeta\n', 'sub/d.log': 'not a txt\n' };

const sh = (name: string, script: string, opts: Omit<RealCase, 'name' | 'args'> = {}): RealCase => ({ name: `sh: ${name}`, args: ['sh', '-c', script], ...opts });

export const cases: RealCase[] = [
  // pipelines
  sh('pipeline of three', 'printf "b\\na\\nc\\nb\\n" | sort | uniq'),
  sh('sort | uniq -c | sort -rn', 'tr -s " " "\\n" | sort | uniq -c | sort -rn | head -n 4', { stdin: words }),
  sh('ls | wc -l', 'ls | wc -l; ls sub | wc -l', { files }),
  sh('while read in a pipeline', 'seq 5 | while read x; do echo $((x * x)); done | tac'),
  sh('pipeline exit status', 'false | true; echo "status $?"; true | false; echo "status $?"; set -o pipefail; false | true; echo "pipefail $?"'),
  sh('big pipeline (back-pressure)', 'seq 200000 | sort -rn | head -n 3; seq 100000 | md5sum; seq 100000 | wc -c'),
  sh('awk in a pipeline', 'seq 10 | awk "{ s += \\$1 } END { print s }"'),
  sh('here-doc into a pipeline', 'cat <<EOF | wc -l\none\ntwo\nthree\nEOF'),
  sh('stdin through a pipeline', 'tr a-z A-Z | rev', { stdin: words }),
  // command substitution
  sh('$(…)', 'echo $(echo x) $(seq 3) "$(printf "a\\nb")"; n=$(echo hello | wc -c); echo "n=$n"'),
  sh('nested $(…) and backquotes', 'echo $(echo outer $(echo inner)) `echo back`; x=$(basename $(dirname /a/b/c)); echo $x'),
  sh('$(…) exit status', 'x=$(exit 3); echo "status $?"; y=$(false; echo out); echo "$y $?"'),
  // xargs, find -exec
  sh('xargs', 'seq 10 | xargs -n 3 echo; printf "a.txt\\nb.txt\\n" | xargs wc -l', { files }),
  sh('xargs -I', 'printf "one\\ntwo\\n" | xargs -I{} echo "[{}]"'),
  sh('find -exec \\;', 'find . -name "*.txt" -exec wc -l {} \\; | sort', { files }),
  sh('find -exec +', 'find . -name "*.txt" -exec cat {} + | sort', { files }),
  sh('find | xargs grep', 'find . -type f | sort | xargs grep -l a', { files }),
  // archives and compression through pipes
  sh('tar c | tar t', 'tar c a.txt b.txt sub | tar t | sort', { files }),
  sh('tar c | tar x', 'mkdir out && tar c sub | tar x -C out && cat out/sub/c.txt', { files }),
  sh('gzip | gunzip', 'seq 20000 | gzip -c | gunzip -c | md5sum; seq 20000 | gzip -9 | wc -c; echo text | gzip | gzip -d'),
  sh('gzip | tar', 'tar c sub | gzip | tar tz | sort', { files }),
  // SIGPIPE: the writer dies silently with 141
  sh('yes | head -n 3', 'yes | head -n 3'),
  sh('yes | head: status', 'set -o pipefail; yes | head -n 3; echo "status $?"'),
  sh('seq | head', 'seq 1000000 | head -n 2; echo done'),
  // subshells, background jobs, wait, kill
  sh('subshell', '(x=in; echo "sub $x"; exit 4); echo "status $? x=${x-unset}"; (cd sub && ls); ls', { files }),
  sh('background and wait', '(exit 7) & wait $!; echo "status $?"; (echo bg) & wait; echo "all done"'),
  sh('wait for several', 'for i in 1 2 3; do (exit $i) & eval "p$i=\\$!"; done; wait $p2; echo "p2 $?"; wait $p3; echo "p3 $?"; wait $p1; echo "p1 $?"'),
  // the shell's own job notices ("Terminated") come or not depending on when SIGCHLD arrives
  sh('kill a background job', 'exec 2>/dev/null; sleep 10 & kill $!; wait $!; echo "status $?"; sleep 10 & kill -9 $!; wait $!; echo "status $?"'),
  // a job that never waits must not keep the shell from running (time slices, Kernel.timeSlice)
  sh('a busy background job is killed', 'exec 2>/dev/null; yes > /dev/null & sleep 0.2; kill $!; wait $!; echo "status $?"'),
  sh('two busy jobs and a timeout', 'exec 2>/dev/null; (while :; do :; done) & a=$!; yes > /dev/null & b=$!; sleep 0.2; kill $a $b; wait $a; echo "a $?"; wait $b; echo "b $?"'),
  sh('trap and kill between processes', 'trap "echo got USR1" USR1; (kill -USR1 $$); echo after'),
  sh('killed by a signal', 'sh -c "kill -TERM \\$\\$"; echo "status $?"; sh -c "exit 300"; echo "status $?"'),
  sh('exec', 'sh -c "exec echo replaced; echo never"; (exec true); echo "status $?"'),
  sh('env -i', 'env -i A=1 env'),
  sh('output order across processes', 'echo 1; (echo 2; (echo 3)); echo 4 | cat; echo 5'),
  sh('command not found', 'nonexistent_cmd_xyz | true; nonexistent_cmd_xyz; echo "status $?"'),
  // a ".." after a symlink leaves the directory the link led to, and the cwd is that directory (getcwd)
  sh('symlinked directories: ".." and the cwd', 'mkdir -p real/sub; echo PHYS > real/f; echo LOGICAL > f; ln -s real/sub lnk; cat lnk/../f; cd lnk; cat ../f; pwd | sed "s|.*/||"; pwd -P | sed "s|.*/||"; ls ..; cd ..; cat f/../f; cat nonexist/../f; ln -s l1 l2; ln -s l2 l1; cat l1/../f; mkdir d; rmdir .; rmdir d/.; rmdir d/..; rmdir d && echo removed'),
  // a script's interpreter gets the script's name as executed ($0), not a resolved path
  sh('#! script names', 'printf "#!%s sh\\necho \\"\\$0 \\$1\\"\\n" "$(readlink /proc/self/exe)" > s.sh; chmod +x s.sh; ./s.sh a; mkdir d; mv s.sh d/; d/s.sh b; cd d && ../d/./s.sh c; printf "#!%s sh\\r\\necho crlf\\n" "$(readlink /proc/self/exe)" > c.sh; chmod +x c.sh; ./c.sh; echo "CRLF line: $?"'),
  sh('paths through a file, trailing slashes', 'echo top > f; cat f/../f; [ -e f/. ] && echo "f/. exists" || echo "no f/."; mkdir d; mv f/ g; echo "mv f/ $?"; mv d/ e/ && ls -d e; rmdir e/.; rmdir e/'),
  sh('fdatasync of a file opened read-only, and of a directory', 'echo x > f; sync -d f; echo "sync -d $?"; sync -d .; echo "directory $?"; sync f; echo "fsync $?"'),
  sh('fallocate, an argument over 128 KiB (E2BIG)', 'fallocate -l 100000 fa; stat -c %s fa; fallocate -o 200000 -l 10 fa; stat -c %s fa; x=$(head -c 300000 /dev/zero | tr "\\0" a); echo "$x" | wc -c; /proc/self/exe echo "$x" >/dev/null; echo "exec $?"'),
  // RLIMIT_FSIZE: a write is cut at the limit, one at it is SIGXFSZ (153); not for devices; raising
  // the hard limit needs CAP_SYS_RESOURCE, which the host process may or may not have
  sh('ulimit -f: short writes and SIGXFSZ', 'dd if=/dev/zero of=f3 bs=1024 count=4 2>/dev/null; ulimit -f 1; dd if=/dev/zero of=big bs=1024 count=10 2>/dev/null; echo "dd=$?"; ls -l big | awk "{print \\$5}"; dd if=/dev/zero of=/dev/null bs=1024 count=10 2>/dev/null; echo "null=$?"; (ulimit -f 2; echo "raise=$?") 2>/dev/null; dd if=/dev/zero of=f2 bs=100 count=20 2>&1; echo "dd=$?"; truncate -s 5000 f2; echo "truncate=$?"; truncate -s 100 f2; echo abc >> f2; echo "append=$?"; ls -l f2 | awk "{print \\$5}"; truncate -s 3000 f3; echo "shrinking a file past the limit $?"; ls -l f3 | awk "{print \\$5}"'),
  // a process's own /proc entries (pids differ from qemu's: compared with themselves)
  sh('/proc/self links', 'readlink /proc/self/exe; readlink -f /proc/self/exe; ls -l /proc/self/exe | sed "s/.*-> //"; [ "$(readlink /proc/self)" != "$$" ] && echo "self is the reader"; cd /proc/self && [ "$(pwd -P)" = "/proc/$$" ] && echo "cwd /proc/<pid>"; test -d /proc/self/ && test -L /proc/self && echo "self a link to a directory"'),
  sh('/proc/self files', 'tr "\\0" " " < /proc/self/cmdline; echo; cat /proc/self/cmdline | tr "\\0" "|"; echo; grep -E "^(Name|State):" /proc/self/status; grep -c "\\[stack\\]" /proc/self/maps; grep -c busybox /proc/self/maps | sed "s/^[1-9][0-9]*$/image mapped/"; exec 7</dev/null; readlink /proc/self/fd/7; ls /proc/self/fd/7'),
  // (stderr dropped: on a busy host a process listed may be gone before ls or ps looks at it)
  sh('/proc lists the run\'s processes', 'ls /proc 2>/dev/null | grep -qx "$$" && echo "own pid listed"; test -d /proc/$$/ && echo "own directory"; sleep 0.3 & ps -o pid,ppid 2>/dev/null | grep -Eq "^ *$! +$$$" && echo "ps sees the child"; wait'),
  sh('taskset and ionice of the shell', 'taskset -p $$ | sed "s/[0-9]*.s current/PID\'s current/"; ionice -p $$'),
  // sysinfo(2) is the host's (the figures that do not move; free subtracts /proc/meminfo's from them)
  // FIFOs (mkfifo): a background writer and a reader, `ls -l`'s type, one opened read-write
  sh('mkfifo', 'mkfifo f; ls -l f | cut -c1; (seq 3 > f &); cat f; rm f; mkfifo g; exec 3<>g; echo rw >&3; read x <&3; echo "$x"'),
  sh('free totals', 'free | awk \'{ print $1, $2 }\'; free | awk \'NR == 2 { print ($3 >= 0 && $3 + $4 <= $2) ? "used ok" : "used " $3 }\''),
];
