// C++ exceptions (test/fixtures/src/cxx/cxx.cc, g++ -static -O0 and -O2): thrown and caught across
// frames, through std::function and virtual calls, rethrown, nested, caught by catch (...), RAII
// unwinding order, std::terminate (SIGABRT, status 134) — as under qemu-aarch64. libgcc's unwinder
// reaches landing pads with `br`. Unstripped and stripped; each case runs with run-time lifting
// disabled first (counted) and on (must pass): see test/helpers/program-suite.ts.
import { cxxCases, fixtureSuite } from './helpers/program-suite.ts';

const cases = cxxCases();
for (const build of ['cxx-O0', 'cxx-O2']) {
  fixtureSuite(build, cases);
  fixtureSuite(build, cases, { stripped: true, optimize: 0 });
}
