// Cases for Go's own static, stripped tools from Debian's golang-1.19-go (test/real/go.test.ts):
// gofmt and test2json. Their runtime starts threads, installs handlers for every signal and
// collects garbage while they run. Expectations come from qemu-aarch64 at test time, never from
// this file.
import type { RealCase } from '../../helpers/real.ts';

const messy = `package main
import ("fmt"
"strings")
type point struct{x,y int}
func (p point)String()string{return fmt.Sprintf("(%d,%d)",p.x,p.y)}
func main(){
ps:=[]point{point{1,2},point{3,4}}
for _,p:=range ps{fmt.Println(p)}
var s []string
for i := range s[0:len(s)] { _ = i }
m:=map[string][]int{"a":[]int{1},"b":[]int{2,3}}
switch len(m){case 1:fmt.Println("one")
default:
fmt.Println(strings.Repeat("x",3))}
go func(){ch<-1}()
}
var ch=make(chan int,1)
`;

/** a source of `n` functions, badly laid out: formatting it allocates enough for the collector to run */
function generated(n: number): string {
  const out = ['package big', 'import "fmt"'];
  for (let i = 0; i < n; i++) {
    out.push(`func f${i}(a,b int)(int,error){if a>b{return a-b,nil}
  x:=[]int{${i},${i * 7 % 13},${i * 31 % 17}}
    for j:=range x{a+=x[j]*b}
 return a,fmt.Errorf("f${i}: %d",a)}`);
  }
  return `${out.join('\n')}\n`;
}

export const gofmtCases: RealCase[] = [
  { name: 'formats a file', args: ['main.go'], files: { 'main.go': messy } },
  { name: 'formats stdin', args: [], stdin: messy },
  { name: '-s simplifies', args: ['-s', 'main.go'], files: { 'main.go': messy } },
  { name: '-d prints a diff', args: ['-d', 'main.go'], files: { 'main.go': messy } },
  { name: '-r rewrites', args: ['-r', 'a[b:len(a)] -> a[b:]', 'main.go'], files: { 'main.go': messy } },
  { name: '-l walks a directory', args: ['-l', '.'], files: { 'a/x.go': messy, 'b/y.go': 'package y\n', 'c/z.go': 'package z\nvar  v = 1\n' } },
  { name: 'a syntax error', args: ['bad.go'], files: { 'bad.go': 'package main\nfunc main() {\n\tx := \n}\nfunc f( {\n' } },
  { name: '-e reports every error', args: ['-e', 'bad.go'], files: { 'bad.go': 'package main\nfunc main() {\n\tx := \n}\nfunc f( {\n' } },
  { name: 'a missing file', args: ['nothere.go'] },
  // several Ps whatever the host's CPUs: the garbage collector runs while threads wait, sleep and
  // spin for each other (it livelocked until the scheduler let the longest-waiting thread go first)
  { name: 'a large generated file, GOMAXPROCS=4', args: ['big.go'], env: { GOMAXPROCS: '4' }, files: { 'big.go': generated(3000) } },
];

const testOutput = `=== RUN   TestA
--- PASS: TestA (0.00s)
=== RUN   TestB
=== RUN   TestB/sub_1
=== PAUSE TestB/sub_1
=== CONT  TestB/sub_1
    b_test.go:5: oops
--- FAIL: TestB (0.01s)
    --- FAIL: TestB/sub_1 (0.00s)
=== RUN   TestC
--- SKIP: TestC (0.00s)
    c_test.go:9: not today
goos: linux
goarch: arm64
BenchmarkX-8   	 1000000	      1042 ns/op
FAIL
exit status 1
FAIL	example.com/pkg	0.012s
`;

export const test2jsonCases: RealCase[] = [
  { name: 'converts test output', args: [], stdin: testOutput },
  { name: '-p names the package', args: ['-p', 'example.com/pkg'], stdin: testOutput },
  { name: 'many tests', args: [], stdin: Array.from({ length: 500 }, (_, i) => `=== RUN   Test${i}\n--- ${i % 7 ? 'PASS' : 'FAIL'}: Test${i} (0.0${i % 10}s)\n`).join('') + 'FAIL\n' },
  { name: 'an unknown flag', args: ['-x'] },
];
