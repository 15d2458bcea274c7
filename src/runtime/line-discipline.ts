// A terminal's line discipline, as Linux's n_tty does it: input bytes typed at the terminal become
// what a read returns (canonical mode: a line at a time, edited with VERASE, VKILL and VWERASE,
// ended by NL, VEOL or VEOF; raw mode: bytes as they come), are echoed (ECHO, ECHOE, ECHOK,
// ECHOKE, ECHOCTL, ECHONL) and may be signals for the foreground process group (ISIG: VINTR,
// VQUIT, VSUSP, which also flush the input); output is post-processed (OPOST: ONLCR, OCRNL,
// ONOCR, ONLRET, tabs to spaces). Pure bookkeeping: the device (terminal.ts) makes reads wait.
import { I, L, OF, V, freshTermios, type Termios } from './termios.ts';

const SIGINT = 2, SIGQUIT = 3, SIGTSTP = 20;
const NL = 0x0a, CR = 0x0d, TAB = 0x09, BS = 0x08, SPACE = 0x20;

/** Linux's iscntrl for a byte (its ctype table: C0, DEL and the C1 range) */
const isCntrl = (c: number): boolean => c < 0x20 || c === 0x7f || (c >= 0x80 && c < 0xa0);
const isAlnum = (c: number): boolean => (c >= 0x30 && c <= 0x39) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x7a);
/** a UTF-8 continuation byte (erased with the character it continues under IUTF8) */
const isContinuation = (c: number): boolean => (c & 0xc0) === 0x80;

export class LineDiscipline {
  termios: Termios = freshTermios();
  /** canonical mode: completed lines, in order (an empty one is an EOF); raw mode: unused */
  private lines: number[][] = [];
  /** raw mode: the bytes not yet read */
  private raw: number[] = [];
  /** canonical mode: the line being edited */
  private edit: number[] = [];
  /** the next byte is taken literally (VLNEXT) */
  private literal = false;
  /** the output column (for erasing tabs), and where the edited line began */
  private column = 0;
  private canonColumn = 0;
  /** signals input asked for, for the foreground process group (taken by the device) */
  signals: number[] = [];

  /** `emit`: bytes for the terminal's screen (output and echo), already post-processed */
  constructor(private readonly emit: (bytes: Uint8Array) => void) {}

  private flag(field: 'iflag' | 'oflag' | 'lflag', bit: number): boolean {
    return (this.termios[field] & bit) !== 0;
  }

  private get canonical(): boolean {
    return this.flag('lflag', L.ICANON);
  }

  /** control character `v`, or -1 when disabled (_POSIX_VDISABLE is 0 on Linux) */
  private cc(v: number): number {
    const c = this.termios.cc[v]!;
    return c === 0 ? -1 : c;
  }

  /** new settings (TCSETS*): switching canonical mode keeps what was typed, as n_tty does */
  set(next: Termios, flush: boolean): void {
    const wasCanonical = this.canonical;
    this.termios = next;
    if (flush) this.flush();
    if (wasCanonical && !this.canonical) {
      // every line and the one being edited become readable at once
      for (const line of this.lines) this.raw.push(...line);
      this.raw.push(...this.edit);
      this.lines = [];
      this.edit = [];
    } else if (!wasCanonical && this.canonical && this.raw.length) {
      this.lines.push(this.raw);
      this.raw = [];
    }
  }

  /** discards input not yet read (TCFLSH, TCSETSF, a signal character) */
  flush(): void {
    this.lines = [];
    this.raw = [];
    this.edit = [];
    this.literal = false;
  }

  /** bytes a read can take now: canonical mode the first line's (-1: no line yet), raw mode all */
  available(): number {
    if (this.canonical) return this.lines.length ? this.lines[0]!.length : -1;
    return this.raw.length;
  }

  /** bytes waiting in all (FIONREAD) */
  queued(): number {
    return this.canonical ? this.lines.reduce((n, l) => n + l.length, 0) : this.raw.length;
  }

  /** takes up to `max` bytes of the first line (canonical: an empty line is EOF and reads 0) or of the raw input */
  take(max: number): Uint8Array {
    if (this.canonical) {
      const line = this.lines[0];
      if (!line) return new Uint8Array(0);
      const out = Uint8Array.from(line.slice(0, max));
      if (max >= line.length) this.lines.shift();
      else this.lines[0] = line.slice(max);
      return out;
    }
    return Uint8Array.from(this.raw.splice(0, max));
  }

  // ---- input -------------------------------------------------------------------------------

  /** bytes typed at the terminal */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) this.receiveByte(b);
  }

  private receiveByte(byte: number): void {
    let c = this.flag('iflag', I.ISTRIP) ? byte & 0x7f : byte;
    const lflag = this.termios.lflag;
    if (this.literal) {
      this.literal = false;
      this.store(c, this.canonical, false); // its echo ("^X" for a control character) covers the "^" shown for VLNEXT
      return;
    }
    if (this.flag('iflag', I.IXON) && (c === this.cc(V.START) || c === this.cc(V.STOP))) return; // flow control: output is never stopped here
    if (lflag & L.ISIG) {
      const sig = c === this.cc(V.INTR) ? SIGINT : c === this.cc(V.QUIT) ? SIGQUIT : c === this.cc(V.SUSP) ? SIGTSTP : 0;
      if (sig) {
        if (!(lflag & L.NOFLSH)) this.flush();
        this.signals.push(sig);
        if (lflag & L.ECHO) this.echoChar(c);
        return;
      }
    }
    // n_tty treats CR (under IGNCR/ICRNL) and NL (under INLCR) as special: echoed raw in raw mode
    const special = (c === CR && this.flag('iflag', I.IGNCR | I.ICRNL)) || (c === NL && this.flag('iflag', I.INLCR));
    if (c === CR) {
      if (this.flag('iflag', I.IGNCR)) return;
      if (this.flag('iflag', I.ICRNL)) c = NL;
    } else if (c === NL && this.flag('iflag', I.INLCR)) c = CR;
    if (!(lflag & L.ICANON)) {
      this.store(c, false, special);
      return;
    }
    if (c === this.cc(V.ERASE) || c === this.cc(V.KILL) || (c === this.cc(V.WERASE) && lflag & L.IEXTEN)) {
      this.erase(c === this.cc(V.ERASE) ? 'erase' : c === this.cc(V.KILL) ? 'kill' : 'werase');
      return;
    }
    if (lflag & L.IEXTEN) {
      if (c === this.cc(V.LNEXT)) {
        this.literal = true;
        if (lflag & L.ECHO && lflag & L.ECHOCTL) this.echoRaw([0x5e, BS]); // "^", then back over it
        return;
      }
      if (c === this.cc(V.REPRINT) && lflag & L.ECHO) {
        this.echoChar(c);
        this.echoRaw([NL]);
        this.canonColumn = this.column;
        for (const e of this.edit) this.echoChar(e);
        return;
      }
    }
    if (c === NL) {
      if (lflag & (L.ECHO | L.ECHONL)) this.echoRaw([NL]);
      this.edit.push(c);
      this.endLine();
      return;
    }
    if (c === this.cc(V.EOF)) {
      this.endLine(); // not stored, not echoed: a read returns the line so far (0 bytes at a line's start)
      return;
    }
    if (c === this.cc(V.EOL) || (c === this.cc(V.EOL2) && lflag & L.IEXTEN)) {
      if (lflag & L.ECHO) this.echoChar(c);
      this.edit.push(c);
      this.endLine();
      return;
    }
    this.store(c, true, false);
  }

  /** an ordinary byte: into the edited line (canonical) or the raw input, echoed; `special`: a
   *  newline that came from CR (ICRNL) is echoed as it is, a typed one as ^J under ECHOCTL */
  private store(c: number, canonical: boolean, special: boolean): void {
    if (this.flag('lflag', L.ECHO)) {
      if (canonical && this.edit.length === 0) this.canonColumn = this.column;
      if (special && c === NL) this.echoRaw([NL]);
      else this.echoChar(c);
    }
    if (canonical) this.edit.push(c);
    else this.raw.push(c);
  }

  private endLine(): void {
    this.lines.push(this.edit);
    this.edit = [];
  }

  /** VERASE (one character), VWERASE (a word: ALTWERASE's rule) or VKILL (the line) */
  private erase(kind: 'erase' | 'kill' | 'werase'): void {
    const lflag = this.termios.lflag;
    if (!this.edit.length) return;
    if (kind === 'kill') {
      if (!(lflag & L.ECHO)) {
        this.edit = [];
        return;
      }
      if (!(lflag & L.ECHOK) || !(lflag & L.ECHOKE) || !(lflag & L.ECHOE)) {
        this.edit = [];
        this.echoChar(this.cc(V.KILL));
        if (lflag & L.ECHOK) this.echoRaw([NL]);
        return;
      }
    }
    let seenAlnums = 0;
    while (this.edit.length) {
      // a whole UTF-8 character under IUTF8
      let start = this.edit.length - 1;
      if (this.flag('iflag', I.IUTF8)) while (start > 0 && isContinuation(this.edit[start]!)) start--;
      const c = this.edit[start]!;
      if (kind === 'werase') {
        if (isAlnum(c) || c === 0x5f) seenAlnums++;
        else if (seenAlnums) break;
      }
      this.edit.length = start;
      if (lflag & L.ECHO) {
        if (kind === 'erase' && !(lflag & L.ECHOE)) this.echoChar(this.cc(V.ERASE));
        else if (c === TAB) this.eraseTab();
        else {
          const back = [BS, SPACE, BS];
          if (isCntrl(c) && lflag & L.ECHOCTL) this.echoRaw([...back, ...back]);
          else if (!isCntrl(c)) this.echoRaw(back);
        }
      }
      if (kind === 'erase') break;
    }
  }

  /** backs over a tab: the columns it took, from where the line began */
  private eraseTab(): void {
    let col = this.canonColumn;
    for (const c of this.edit) {
      if (c === TAB) col = (col | 7) + 1;
      else if (isCntrl(c)) col += this.flag('lflag', L.ECHOCTL) ? 2 : 0;
      else if (!(this.flag('iflag', I.IUTF8) && isContinuation(c))) col++;
    }
    this.echoRaw(new Array<number>(Math.max(0, this.column - col)).fill(BS));
  }

  /** echoes `c`, a control character as ^X under ECHOCTL (but tab and, in canonical mode, newline) */
  private echoChar(c: number): void {
    if (this.flag('lflag', L.ECHOCTL) && isCntrl(c) && c !== TAB && c < 0x80) this.echoRaw([0x5e, c ^ 0x40]);
    else this.echoRaw([c]);
  }

  private echoRaw(bytes: number[]): void {
    if (bytes.length) this.write(Uint8Array.from(bytes));
  }

  // ---- output ------------------------------------------------------------------------------

  /** bytes written to the terminal, post-processed (OPOST) onto the screen */
  write(bytes: Uint8Array): void {
    if (!this.flag('oflag', OF.OPOST)) {
      for (const c of bytes) this.advance(c);
      this.emit(bytes.slice());
      return;
    }
    const oflag = this.termios.oflag;
    let out: number[] | undefined;
    for (let i = 0; i < bytes.length; i++) {
      const c = bytes[i]!;
      let replace: number[] | undefined;
      if (c === NL && oflag & OF.ONLCR) replace = [CR, NL];
      else if (c === CR && oflag & OF.ONOCR && this.column === 0) replace = [];
      else if (c === CR && oflag & OF.OCRNL) replace = [NL];
      else if (c === TAB && (oflag & OF.TABDLY) === OF.XTABS) replace = new Array<number>(8 - (this.column & 7)).fill(SPACE);
      if (replace) {
        out ??= Array.from(bytes.subarray(0, i));
        out.push(...replace);
        if (c === NL && (oflag & OF.ONLCR || oflag & OF.ONLRET)) this.column = 0;
        else for (const r of replace) this.advance(r);
        continue;
      }
      this.advance(c);
      out?.push(c);
    }
    this.emit(out ? Uint8Array.from(out) : bytes.slice());
  }

  /** the column after `c` (n_tty's bookkeeping for erasing tabs) */
  private advance(c: number): void {
    if (c === CR) this.column = 0;
    else if (c === NL) { if (this.flag('oflag', OF.ONLRET)) this.column = 0; }
    else if (c === TAB) this.column = (this.column | 7) + 1;
    else if (c === BS) this.column = Math.max(0, this.column - 1);
    else if (!isCntrl(c) && !(this.flag('iflag', I.IUTF8) && isContinuation(c))) this.column++;
  }
}
